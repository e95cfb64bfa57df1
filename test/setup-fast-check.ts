/**
 * Property tests explore new inputs on every local run. In CI they use a fixed seed (FC_SEED to change it),
 * so a landing never depends on luck; a counterexample found locally becomes a pinned test case.
 */
import fc from "fast-check";

const seed = process.env.FC_SEED ?? (process.env.CI ? "20261123" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
