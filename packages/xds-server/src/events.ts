// A tiny listener list for ACK/NACK events; a throwing listener does not affect the stream.
import { getLogger } from '@tidegate/common';
import type { XdsAckEvent, XdsAckListener } from './types';

const log = getLogger('xds-server');

export class AckEvents {
  private readonly listeners = new Set<XdsAckListener>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: XdsAckListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: XdsAckEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        log.error({ err }, 'ack/nack listener failed');
      }
    }
  }
}
