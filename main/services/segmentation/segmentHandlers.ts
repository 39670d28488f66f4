/** Handlers of the segment channels: Promptable segmentation, editing, history and journal. */
import type { segmentChannels } from '../../../common/contract/channels/segment';
import type { DomainHandlers } from '../../ipc/router';
import type { ServiceDeps } from '../handlers';

export function createSegmentHandlers(_deps: ServiceDeps): DomainHandlers<typeof segmentChannels> {
  return {};
}
