/*-------------------------------------------------------------------------
 *
 * clio_analyze.h
 *		  ANALYZE of a foreign table
 *
 * Declares what src/clio_analyze.c defines.
 *
 * IDENTIFICATION
 *		  include/clio_analyze.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_ANALYZE_H
#define CLIO_ANALYZE_H

#include "foreign/fdwapi.h"

/* in src/clio_analyze.c */
extern bool clioAnalyzeForeignTable(Relation relation,
									AcquireSampleRowsFunc *func,
									BlockNumber *totalpages);

#endif							/* CLIO_ANALYZE_H */
