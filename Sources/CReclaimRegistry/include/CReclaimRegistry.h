#ifndef RECLAIM_REGISTRY_H
#define RECLAIM_REGISTRY_H

#include <stdint.h>

// The heap registry's tables, as C globals: statically allocated, so Swift
// reads them without the lazy-initialisation check its own globals carry on
// every access (the `Ref` release path reads one generation per object).
// Indexed by heap identifier; see Sources/Reclaim/Heap/HeapRegistry.swift.

#define RECLAIM_HEAP_CAPACITY 65536

extern uint32_t reclaim_heap_generations[RECLAIM_HEAP_CAPACITY];
extern void *reclaim_heap_objects[RECLAIM_HEAP_CAPACITY];

static inline uint32_t reclaim_heap_generation(uint16_t id) { return reclaim_heap_generations[id]; }
static inline void reclaim_set_heap_generation(uint16_t id, uint32_t generation) { reclaim_heap_generations[id] = generation; }
static inline void *reclaim_heap_object(uint16_t id) { return reclaim_heap_objects[id]; }
static inline void reclaim_set_heap_object(uint16_t id, void *heap) { reclaim_heap_objects[id] = heap; }

#endif
