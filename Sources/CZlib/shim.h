#ifndef OCOP_CZLIB_SHIM_H
#define OCOP_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 is a macro (it passes zlib's version and the stream's size), which Swift cannot
// call: this is the whole of the shim. windowBits 15 + 16 writes a gzip header and trailer.
static inline int ocop_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
