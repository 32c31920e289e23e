import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { readPublisherConfig, type PublisherConfig } from '../../config';
import type { PublishDependencies } from '../../operations/publish-changes';
import { EventBridgeEventSink } from './eventbridge-event-sink';

let current: PublishDependencies | undefined;

/** The publisher's dependencies, built once per container: an EventBridge sink on the configured bus. */
export function getPublisherDependencies(config: PublisherConfig = readPublisherConfig()): PublishDependencies {
  current ??= { events: new EventBridgeEventSink(new EventBridgeClient({}), config.eventBusName), sleep: (ms) => sleep(ms) };
  return current;
}
