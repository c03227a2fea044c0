/*-------------------------------------------------------------------------
 *
 * clio_scan.h
 *		  Running a scan of a foreign table, and its EXPLAIN
 *
 * Declares what src/clio_scan.c defines: the execution and EXPLAIN
 * callbacks of a scan, which the handler puts into the FdwRoutine.
 *
 * IDENTIFICATION
 *		  include/clio_scan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_SCAN_H
#define CLIO_SCAN_H

#define CLIO_COMPAT_EXPLAIN
#include "clio_compat.h"
#include "foreign/fdwapi.h"

/* in src/clio_scan.c */
extern void clioBeginForeignScan(ForeignScanState *node, int eflags);
extern TupleTableSlot *clioIterateForeignScan(ForeignScanState *node);
extern void clioReScanForeignScan(ForeignScanState *node);
extern void clioEndForeignScan(ForeignScanState *node);
extern void clioExplainForeignScan(ForeignScanState *node, ExplainState *es);

#endif							/* CLIO_SCAN_H */
