import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { NewPassword, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_MIN_SCORE } from '../password-policy.js';

/** A new password (reset, change): the sign-up rules, documented once. */
const ReplacementPassword = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      example: 'tide pool lantern marmalade',
      minLength: PASSWORD_MIN,
      maxLength: PASSWORD_MAX,
      description: `The new password: the sign-up rules apply (${PASSWORD_MIN}–${PASSWORD_MAX} characters, a strength estimate of at least ${PASSWORD_MIN_SCORE} of 4).`,
    }),
    NewPassword(),
  );

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignupInput {
  @ApiProperty({ example: 'ana@harbor-realty.com', maxLength: 320 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({
    example: 'correct horse battery',
    minLength: PASSWORD_MIN,
    maxLength: PASSWORD_MAX,
    description: `${PASSWORD_MIN}–${PASSWORD_MAX} characters, hard to guess: a strength estimate (zxcvbn) of at least ${PASSWORD_MIN_SCORE} of 4, with your email and name counted as known words. Long passphrases pass.`,
  })
  @NewPassword('email', 'fullName')
  password!: string;

  @ApiProperty({ example: 'Ana Ortiz', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  fullName!: string;

  @ApiPropertyOptional({
    example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
    minLength: 43,
    maxLength: 43,
    pattern: '^[A-Za-z0-9_-]{43}$',
    description:
      'The token of an invitation link: the account is created verified (the link proved the address) and joins the organization with the invited role. `email` must be the invited address.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'invitationToken must be the token of an invitation link' })
  invitationToken?: string;
}

export class VerifyEmailInput {
  @ApiProperty({
    example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
    minLength: 1,
    maxLength: 100,
    description: 'The token of the verification link',
  })
  @IsString()
  @Length(1, 100)
  token!: string;
}

export class LoginInput {
  @ApiProperty({ example: 'ana@harbor-realty.com' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class RefreshInput {
  @ApiProperty({
    example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
    minLength: 1,
    maxLength: 100,
    description: 'The refresh token of the latest session response (each works once)',
  })
  @IsString()
  @Length(1, 100)
  refreshToken!: string;
}

export class RecoverInput {
  @ApiProperty({ example: 'ana@harbor-realty.com', maxLength: 320 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email!: string;
}

export class ResetPasswordInput {
  @ApiProperty({
    example: 'q8Zt3vJ0m1nXcR5yB2kLw9HfD4sA7eUoP6iGjTbVhQa',
    minLength: 1,
    maxLength: 100,
    description: 'The token of the emailed reset link',
  })
  @IsString()
  @Length(1, 100)
  token!: string;

  @ReplacementPassword()
  password!: string;
}

export class ChangePasswordInput {
  @ApiProperty({ example: 'correct horse battery', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  currentPassword!: string;

  @ReplacementPassword()
  newPassword!: string;
}
