import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { NewPassword, PASSWORD_MAX, PASSWORD_MIN, PASSWORD_MIN_SCORE } from '../password-policy.js';

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
