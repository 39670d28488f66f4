/** Handlers of the recist channels: RECIST measurements, lesion tables, timepoints and reports. */
import type { recistChannels } from '../../../common/contract/channels/recist';
import type { DomainHandlers } from '../../ipc/router';
import type { ServiceDeps } from '../handlers';

export function createRecistHandlers(_deps: ServiceDeps): DomainHandlers<typeof recistChannels> {
  return {};
}
