import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IdsParam } from '../../common/ids-param.js';
import { PageQuery } from '../../common/pagination.js';
import { QueryBoolean } from '../../common/query-transforms.js';

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only unread notifications' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  unread?: boolean;

  @IdsParam('notifications')
  ids?: string[];
}
