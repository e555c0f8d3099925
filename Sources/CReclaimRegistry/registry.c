#include "CReclaimRegistry.h"

uint32_t reclaim_heap_generations[RECLAIM_HEAP_CAPACITY];
void *reclaim_heap_objects[RECLAIM_HEAP_CAPACITY];
