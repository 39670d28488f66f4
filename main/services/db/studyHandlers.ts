/** Handlers of the study channels: The study database. */
import type { studyChannels } from '../../../common/contract/channels/study';
import type { DomainHandlers } from '../../ipc/router';
import type { ServiceDeps } from '../handlers';

export function createStudyHandlers(_deps: ServiceDeps): DomainHandlers<typeof studyChannels> {
  return {};
}
