import { ApiProperty } from '@nestjs/swagger';

/** The same answer whether the person was new or known: capture is no oracle of who is a lead. */
export class CaptureAcceptedOutput {
  @ApiProperty({ example: true, enum: [true] }) accepted!: true;
  @ApiProperty({ example: 'req-7f3a9c2e1b', maxLength: 128, description: 'The request id (x-request-id), for support' })
  requestId!: string;
}
