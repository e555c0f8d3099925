#include "preload.h"
