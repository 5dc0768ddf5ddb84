import { SetMetadata } from '@nestjs/common';

export const USER_SCOPED = 'userScoped';
/** The route works on the user's own data (profile, organization list): X-Organization-Id is ignored. */
export const UserScoped = (): MethodDecorator & ClassDecorator => SetMetadata(USER_SCOPED, true);
