// Prisma CLI configuration. The app never reads this file: it builds its own
// client (src/database/prisma.factory.ts). Migrations are applied by the project's
// runner (npm run db:migrate); `prisma migrate deploy` also works where its engine can run.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
  },
});
