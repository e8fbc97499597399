// The throttle hands out the run's job slots (`-j`): groups ask for one per job they want to
// launch and get them in the order they asked.
import { defineActor, Queue, type ActorContext, type Address } from '../runtime/index.js';
import { unreachable } from '../vocabulary/unreachable.js';
import type { GroupMessage, ThrottleMessage } from './protocol.js';

export interface ThrottleInit {
  readonly slots: number;
}

interface Request {
  readonly from: Address<GroupMessage>;
  readonly id: number;
}

export class Throttle {
  #context: ActorContext<ThrottleMessage>;
  #free: number;
  #waiting = new Queue<Request>();
  #cancelled = new Set<number>();

  constructor(context: ActorContext<ThrottleMessage>, init: ThrottleInit) {
    this.#context = context;
    this.#free = init.slots;
  }

  receive(message: ThrottleMessage): void {
    switch (message.type) {
      case 'acquire':
        this.#waiting.push({ from: message.from, id: message.id });
        break;
      case 'release':
        this.#free++;
        break;
      case 'cancel':
        this.#cancelled.add(message.from);
        break;
      default:
        unreachable(message, 'throttle message');
    }
    this.#grant();
  }

  #grant(): void {
    while (this.#free > 0) {
      const request = this.#waiting.shift();
      if (request === undefined) return;
      if (this.#cancelled.has(request.from)) continue;
      this.#free--;
      this.#context.send(request.from, { type: 'granted', id: request.id });
    }
  }
}

export const ThrottleActorType = defineActor<ThrottleInit, ThrottleMessage>('throttle', (init, context) => new Throttle(context, init));
