import { IdsParam } from '../../common/ids-param.js';

/** The pipeline is short (at most 50 stages): always the whole of it, first stage first, unpaged. */
export class ListAcquisitionStagesQuery {
  @IdsParam('stages')
  ids?: string[];
}
