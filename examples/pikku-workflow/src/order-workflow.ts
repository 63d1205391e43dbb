// The example's Pikku app: one workflow, `placeOrder`, and the three functions its steps call.
//
// With the pikku CLI these registrations are generated from `pikkuWorkflowFunc(...)` and
// `pikkuFunc(...)` sources; here they are written by hand (function, RPC and workflow meta,
// then `addFunction` / `addWorkflow`) so the example runs with nothing but `@pikku/core` installed.
import type { CoreSingletonServices, PikkuWire } from '@pikku/core';
import { addFunction, pikkuState, resetPikkuState } from '@pikku/core/ecosystem';
import { type PikkuRPC, rpcService } from '@pikku/core/rpc';
import { addWorkflow, type PikkuWorkflowWire } from '@pikku/core/workflow';

export const ORDER_WORKFLOW = 'placeOrder';
export const ORDER_GRAPH_HASH = 'place-order-v1';
const UNIT_PRICE_CENTS = 1250;

export interface Order {
  readonly orderId: string;
  readonly sku: string;
  readonly qty: number;
  /** Express orders go by courier right away; the others wait for the post's pickup. */
  readonly express: boolean;
}

export interface OrderOutcome {
  readonly reservation: Reservation;
  readonly payment: Payment;
  readonly carrier: Carrier;
  readonly shipment: Shipment;
}

export type Carrier = 'courier' | 'post';
export interface Reservation {
  readonly reservationId: string;
  readonly sku: string;
  readonly qty: number;
}
export interface Payment {
  readonly chargeId: string;
  readonly amountCents: number;
  /** Which attempt of the `charge-card` step got through (the first one always times out). */
  readonly attempt: number;
}
export interface Shipment {
  readonly trackingId: string;
  readonly carrier: Carrier;
}

type StepFunction<In, Out> = (services: CoreSingletonServices, data: In, wire: PikkuWire) => Promise<Out>;

// Stand-ins for an inventory service, a payment gateway and a carrier API.
const reserveStock: StepFunction<{ orderId: string; sku: string; qty: number }, Reservation> = async (_services, data) => ({
  reservationId: `res-${data.orderId}`,
  sku: data.sku,
  qty: data.qty,
});

const chargeCard: StepFunction<{ orderId: string; amountCents: number }, Payment> = async (_services, data, wire) => {
  // Pikku tells a step's function which attempt it is running.
  const attempt = wire.workflowStep?.attemptCount ?? 1;
  // A transient failure: the gateway times out on the first attempt of every charge.
  if (attempt === 1) throw new Error('payment gateway timed out');
  return { chargeId: `ch-${data.orderId}`, amountCents: data.amountCents, attempt };
};

const ship: StepFunction<{ orderId: string; carrier: Carrier }, Shipment> = async (_services, data) => ({
  trackingId: `${data.carrier}-${data.orderId}`,
  carrier: data.carrier,
});

const functions = { reserveStock, chargeCard, ship } as const;

async function placeOrder(workflow: PikkuWorkflowWire, order: Order): Promise<OrderOutcome> {
  const reservation: Reservation = await workflow.do('reserve-stock', 'reserveStock', {
    orderId: order.orderId,
    sku: order.sku,
    qty: order.qty,
  });
  // `retries: 2` lets the charge fail once and succeed on its second attempt in both modes:
  // Pikku 0.12.84 allows `retries` attempts in total inline but `retries + 1` through a queue.
  const payment: Payment = await workflow.do(
    'charge-card',
    'chargeCard',
    { orderId: order.orderId, amountCents: order.qty * UNIT_PRICE_CENTS },
    { retries: 2, retryDelay: '20ms' },
  );
  // A branch: the decision is a step of its own, so a replay takes the same path.
  const carrier = await workflow.do('choose-carrier', async (): Promise<Carrier> => (order.express ? 'courier' : 'post'));
  if (carrier === 'post') await workflow.sleep('wait-for-pickup', '50ms');
  const shipment: Shipment = await workflow.do('ship', 'ship', { orderId: order.orderId, carrier });
  return { reservation, payment, carrier, shipment };
}

/**
 * Registers the workflow and its functions in Pikku's (process-wide) state. `queued: true`
 * marks the functions `workflowQueued`, so in remote mode each of their steps is a job for the
 * step workers instead of running inside the orchestrator job.
 */
export function registerOrderWorkflow({ queued }: { queued: boolean }): void {
  resetPikkuState();
  const functionMeta = pikkuState(null, 'function', 'meta');
  const rpcMeta = pikkuState(null, 'rpc', 'meta');
  for (const [name, func] of Object.entries(functions)) {
    rpcMeta[name] = name;
    functionMeta[name] = { pikkuFuncId: name, inputSchemaName: null, outputSchemaName: null, sessionless: true, workflowQueued: queued };
    addFunction(name, { func: func as StepFunction<never, unknown> });
  }
  functionMeta[ORDER_WORKFLOW] = { pikkuFuncId: ORDER_WORKFLOW, inputSchemaName: null, outputSchemaName: null, sessionless: true };
  pikkuState(null, 'workflows', 'meta')[ORDER_WORKFLOW] = {
    name: ORDER_WORKFLOW,
    pikkuFuncId: ORDER_WORKFLOW,
    source: 'dsl',
    graphHash: ORDER_GRAPH_HASH,
  };
  addWorkflow(ORDER_WORKFLOW, {
    func: (_services: unknown, order: Order, wire: { workflow: PikkuWorkflowWire }) => placeOrder(wire.workflow, order),
  });
}

/**
 * Pikku's RPC client, through which the workflow service calls step functions (in a Pikku
 * server the runtime creates it per request or job; here the example asks for one directly).
 */
export function stepRpc(services: CoreSingletonServices): PikkuRPC {
  return rpcService.getContextRPCService(services, {}, false);
}
