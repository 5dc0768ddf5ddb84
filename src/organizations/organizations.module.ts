import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module.js';
import { ProfilesModule } from '../profiles/profiles.module.js';
import { OrganizationsController } from './organizations.controller.js';
import { OrganizationsRepository } from './organizations.repository.js';
import { OrganizationsService } from './organizations.service.js';

@Module({
  imports: [MembersModule, ProfilesModule],
  controllers: [OrganizationsController],
  providers: [OrganizationsRepository, OrganizationsService],
})
export class OrganizationsModule {}
