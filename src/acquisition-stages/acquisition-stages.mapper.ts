import type { AcquisitionStageRow } from './acquisition-stages.repository.js';
import type { AcquisitionStageOutput } from './dto/acquisition-stage.output.js';

/** Exactly the fields that leave the server (no organization_id). */
export function toAcquisitionStageOutput(s: AcquisitionStageRow): AcquisitionStageOutput {
  return {
    id: s.id,
    name: s.name,
    position: s.position,
    defaultProbability: s.defaultProbability,
    kind: s.kind,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
  };
}
