import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class CheckoutInput {
  @ApiProperty({
    example: 'price_1QxYz2AbCdEfGhIj',
    pattern: '^price_[A-Za-z0-9]{1,100}$',
    maxLength: 106,
    description:
      'The Stripe price (the plan) to subscribe to: one of the prices you created in Stripe (docs/billing.md)',
  })
  @IsString()
  @Matches(/^price_[A-Za-z0-9]{1,100}$/, { message: 'must be a Stripe price id (price_…)' })
  priceId!: string;
}
