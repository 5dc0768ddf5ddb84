import { IdsParam } from '../../common/ids-param.js';
import { PageQuery } from '../../common/pagination.js';

export class ListMembersQuery extends PageQuery {
  @IdsParam('members', 'user ids')
  ids?: string[];
}
