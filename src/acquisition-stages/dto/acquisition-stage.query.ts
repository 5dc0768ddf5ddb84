/** GET /v1/acquisition-stages/{id} takes no parameters: a stage names no other records. */
export class AcquisitionStageQuery {
  include?: never;
}
