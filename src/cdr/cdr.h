/**
 * @file cdr.h  Call detail records: one per call, with its legs.
 *
 * The call layer fills a struct cdr as the call progresses and hands it
 * over when the call ends; from then on the CDR module owns it and writes
 * it to the store on the store writer thread (the signalling thread never
 * waits for the disk).  Plain malloc'd memory, no libre objects, so the
 * record can cross threads.
 *
 * Times are UTC milliseconds since the epoch; 0 = did not happen (e.g. no
 * answer).  duration = end - start, billsec = end - answer (whole seconds,
 * rounded up: what a carrier bills), 0 when not answered.
 */
#ifndef CENTREX_CDR_CDR_H
#define CENTREX_CDR_CDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cdr_disposition {
	CDR_ANSWERED = 0,
	CDR_BUSY,
	CDR_NO_ANSWER,
	CDR_FAILED,
	CDR_CANCELLED,
};

enum cdr_party { CDR_PARTY_NONE = 0, CDR_PARTY_CALLER, CDR_PARTY_CALLEE,
		 CDR_PARTY_SYSTEM };

enum cdr_leg_dir { CDR_LEG_IN = 0, CDR_LEG_OUT };

struct cdr_leg {
	enum cdr_leg_dir dir;
	char     peer[128];          /**< user@domain, trunk name or address */
	int64_t  device_id;          /**< 0 = not a device of ours */
	int64_t  trunk_id;           /**< 0 = not a trunk */
	char     sip_call_id[128];
	int64_t  start_ms, answer_ms, end_ms;
	uint16_t status;             /**< final SIP status on this leg */
	char     codec[32];          /**< e.g. "PCMU/8000" */
	uint64_t rtp_rx_packets, rtp_tx_packets;
	uint64_t rtp_rx_bytes, rtp_tx_bytes;
	uint32_t rtp_lost;
	double   jitter_ms;
	/* quality (media/dsp/emodel.h); -1 where nothing was measured */
	double   rtt_ms;             /**< round trip to the peer (RTCP) */
	double   peer_loss_pct;      /**< loss the peer reported of our audio */
	double   mos;                /**< of the audio from the peer; 0 = none */
};

enum { CDR_MAX_LEGS = 16 };

struct cdr {
	char     uuid[37];           /**< call id linking the legs */
	int64_t  tenant_id;
	int64_t  site_id;            /**< caller's site, 0 = none (inbound trunk) */
	int64_t  trunk_id;           /**< trunk used, 0 = internal call */
	int64_t  caller_user_id;     /**< 0 = external */
	int64_t  callee_user_id;     /**< 0 = external */
	char     caller[128];        /**< caller id as presented (number or user) */
	char     caller_name[64];
	char     dialled[128];       /**< callee as dialled */
	char     callee[128];        /**< callee normalised (E.164 or extension) */
	char     context[16];        /**< "internal", "inbound", "outbound" */
	int64_t  start_ms, answer_ms, end_ms;
	int64_t  duration_s, billsec;
	enum cdr_disposition disposition;
	uint16_t sip_status;         /**< final status toward the caller */
	uint16_t q850_cause;
	enum cdr_party hangup_by;
	char     codec[32];
	char     forwarded_by[32];   /**< first user to forward it, "" = none */
	char     forward_reason[16]; /**< RFC 5806 reason of that forward */
	char     feature[16];        /**< what a party did to it: "transfer",
					  "pickup", "park", "three_way",
					  "mobile_to_desk"; "" = none */
	char     feature_by[32];     /**< the extension that did it */
	size_t   legc;
	struct cdr_leg legs[CDR_MAX_LEGS];
};

/* A quality figure as stored (scaled integer, -1 = not measured) and
   back. */
static inline int64_t cdr_quality_int(double v, double scale)
{
	return v < 0 ? -1 : (int64_t)(v * scale + 0.5);
}

static inline double cdr_quality_double(int64_t v, double scale)
{
	return v < 0 ? -1.0 : (double)v / scale;
}

const char *cdr_disposition_name(enum cdr_disposition d);
const char *cdr_party_name(enum cdr_party p);
/* Fill duration_s and billsec from the timestamps. */
void cdr_finish(struct cdr *c);

/* Hand a finished record (malloc'd) to the writer thread, which owns and
   frees it and commits it at once, without waiting for store.flush_ms. */
struct store_writer;
int  cdr_submit(struct store_writer *w, struct cdr *c);

#endif
