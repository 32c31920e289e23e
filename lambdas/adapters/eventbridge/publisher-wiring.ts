import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readPublisherConfig, type PublisherConfig } from '../../config';
import type { PublishDependencies } from '../../operations/publishing/publish-changes';
import { EventBridgeDeadLetterSink } from './eventbridge-dead-letter-sink';
import { EventBridgeEventSink } from './eventbridge-event-sink';

let current: PublishDependencies | undefined;

/** The publisher's dependencies, built once per container: EventBridge event and dead-letter sinks on the configured bus. */
export function getPublisherDependencies(config: PublisherConfig = readPublisherConfig()): PublishDependencies {
  if (!current) {
    const client = new EventBridgeClient({});
    current = {
      events: new EventBridgeEventSink(client, config.eventBusName),
      deadLetters: new EventBridgeDeadLetterSink(client, config.eventBusName),
      sleep: (ms) => sleep(ms),
    };
  }
  return current;
}
