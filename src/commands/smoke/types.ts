// The smoke check types live with the checks in the pure core (src/core/smoke/).
export * from '../../core/smoke/types.ts';
