// The exhaustiveness guard of every `switch` over a union: the compiler rejects a call whose
// argument is not `never`, so a new message type, result or kind breaks every switch that
// forgot it; at run time (a message from a newer thread, a corrupt value) it throws.
export const unreachable = (value: never, what = 'value'): never => {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
};
