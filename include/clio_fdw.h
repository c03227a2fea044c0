/*-------------------------------------------------------------------------
 *
 * clio_fdw.h
 *		  The module: clio_fdw.c
 *
 * clio_fdw.c defines the module (PG_MODULE_MAGIC, _PG_init, the handler);
 * this header holds only its version, which the transport also sends as
 * the User-Agent.  Every other part has a header of its own.
 *
 * IDENTIFICATION
 *		  include/clio_fdw.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef CLIO_FDW_H
#define CLIO_FDW_H


#define CLIO_FDW_VERSION "1.0"

#endif							/* CLIO_FDW_H */
