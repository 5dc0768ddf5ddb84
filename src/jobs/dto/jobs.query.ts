import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IdsPageQuery } from '../../common/ids-param.js';

/** The job states the API lists: the dead letter only (running and queued jobs are the runner's business). */
export const LISTED_JOB_STATES = ['failed'] as const;
export type ListedJobState = (typeof LISTED_JOB_STATES)[number];

export class ListJobsQuery extends IdsPageQuery {
  @ApiPropertyOptional({
    enum: LISTED_JOB_STATES,
    default: 'failed',
    description: 'Which jobs: `failed`, those that ran out of attempts (the only state listed).',
  })
  @IsOptional()
  @IsIn(LISTED_JOB_STATES)
  state: ListedJobState = 'failed';
}
