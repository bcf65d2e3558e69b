#ifndef ATLAS_MOCK_CNGHTTP2_SHIM_H
#define ATLAS_MOCK_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
