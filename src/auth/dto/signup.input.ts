import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SignupInput {
  @ApiProperty({ example: 'ana@harbor-realty.com', maxLength: 320 })
  @Transform(trim)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'correct horse battery', minLength: 8, maxLength: 200 })
  @IsString()
  @Length(8, 200)
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
