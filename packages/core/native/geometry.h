/*
 * The convolution/pooling geometry the kernels read: abi.h's GEOMETRY_INTS int32 values, unpacked
 * into named fields.
 */
#ifndef BIGMODEL_GEOMETRY_H
#define BIGMODEL_GEOMETRY_H

#include "abi.h"

/* The geometry of one 2-D convolution or pooling window, as backend_util.Conv2DInfo describes it. */
typedef struct {
  int32_t batch, in_h, in_w, in_c, out_h, out_w, out_c;
  int32_t filter_h, filter_w, stride_h, stride_w, dilation_h, dilation_w, pad_top, pad_left;
} Geometry;


/* Reads a Geometry from the GEOMETRY_INTS consecutive int32 values at `g` (abi.h's field indices). */
static inline Geometry load_geometry(const int32_t *g) {
  Geometry r = {g[GEOMETRY_BATCH], g[GEOMETRY_IN_HEIGHT], g[GEOMETRY_IN_WIDTH], g[GEOMETRY_IN_CHANNELS],
                g[GEOMETRY_OUT_HEIGHT], g[GEOMETRY_OUT_WIDTH], g[GEOMETRY_OUT_CHANNELS], g[GEOMETRY_FILTER_HEIGHT],
                g[GEOMETRY_FILTER_WIDTH], g[GEOMETRY_STRIDE_HEIGHT], g[GEOMETRY_STRIDE_WIDTH], g[GEOMETRY_DILATION_HEIGHT],
                g[GEOMETRY_DILATION_WIDTH], g[GEOMETRY_PAD_TOP], g[GEOMETRY_PAD_LEFT]};
  return r;
}

#endif
