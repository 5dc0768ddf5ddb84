import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Conflict, ErrorCode, Unauthorized } from '../common/errors.js';
import { TenantDb } from '../database/tenant-db.js';
import { Prisma } from '../generated/prisma/client.js';
import { ProfileProvisioner } from '../profiles/profile-provisioner.service.js';
import { ProfilesRepository } from '../profiles/profiles.repository.js';
import { invitationError } from '../invitations/invitation-errors.js';
import { InvitationTokensRepository } from '../invitations/invitation-tokens.repository.js';
import { SeatSyncJobs } from '../billing/seat-sync.jobs.js';
import { AuthRepository } from './auth.repository.js';
import { EmailVerificationService } from './email-verification.service.js';
import { hashOneTimeToken } from './one-time-token.js';
import type { LoginInput, SignupInput } from './dto/signup.input.js';
import type { SessionOutput } from './dto/session.output.js';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password.js';
import { SessionsService } from './sessions.service.js';

@Injectable()
export class LocalAuthService {
  constructor(
    private readonly db: TenantDb,
    private readonly auth: AuthRepository,
    private readonly profiles: ProfilesRepository,
    private readonly sessions: SessionsService,
    private readonly provisioner: ProfileProvisioner,
    private readonly verification: EmailVerificationService,
    private readonly invitations: InvitationTokensRepository,
    private readonly seats: SeatSyncJobs,
  ) {}

  async signup(input: SignupInput): Promise<SessionOutput> {
    const email = input.email.toLowerCase();
    const passwordHash = await hashPassword(input.password);
    const userId = randomUUID();
    const session = await this.db
      .runTrusted({ userId }, async () => {
        // Through an invitation: the link proves the address, so an unverified account that
        // holds it first (someone else's sign-up) loses it, and the new account joins verified.
        const invitation = input.invitationToken ? hashOneTimeToken(input.invitationToken) : undefined;
        if (invitation) {
          const status = await this.invitations.claimEmail(invitation, email);
          if (status !== 'OK') throw invitationError(status);
        }
        await this.profiles.create(userId, email, input.fullName);
        await this.auth.createCredential(userId, email, passwordHash);
        if (invitation) {
          const accepted = await this.invitations.accept(invitation);
          if (accepted.status !== 'OK' || !accepted.organizationId)
            throw invitationError(accepted.status === 'OK' ? 'NOT_FOUND' : accepted.status);
          await this.seats.request(accepted.organizationId);
        } else {
          await this.verification.send(userId, email, input.fullName);
        }
        const created = await this.profiles.findById(userId);
        if (!created) throw new Error('The profile just created is not readable');
        return this.sessions.start(created);
      })
      .catch((error: unknown) => {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
          throw new Conflict('An account with this email already exists', ErrorCode.EmailTaken);
        }
        throw error;
      });
    this.provisioner.remember(userId);
    return session;
  }

  async login(input: LoginInput): Promise<SessionOutput> {
    const email = input.email.toLowerCase();
    const credential = await this.db.runTrusted({}, () => this.auth.credentialForLogin(email));
    // Same work and same answer whether or not the email exists.
    const ok = await verifyPassword(input.password, credential?.passwordHash ?? (await DUMMY_HASH_PROMISE));
    if (!credential || !ok) throw new Unauthorized('Invalid email or password', ErrorCode.InvalidCredentials);
    return this.db.runTrusted({ userId: credential.userId }, async () => {
      const profile = await this.profiles.findById(credential.userId);
      if (!profile) throw new Unauthorized('Invalid email or password', ErrorCode.InvalidCredentials);
      return this.sessions.start(profile);
    });
  }
}
