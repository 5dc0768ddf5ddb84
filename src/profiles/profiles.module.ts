import { Module } from '@nestjs/common';
import { MeController } from './me.controller.js';
import { MeService } from './me.service.js';
import { ProfileProvisioner } from './profile-provisioner.service.js';
import { ProfilesRepository } from './profiles.repository.js';

@Module({
  controllers: [MeController],
  providers: [ProfilesRepository, ProfileProvisioner, MeService],
  exports: [ProfilesRepository, ProfileProvisioner],
})
export class ProfilesModule {}
