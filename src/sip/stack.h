/**
 * @file stack.h  The SIP front door: transports, validation, dispatch.
 *
 * Owns libre's SIP instance and its listeners.  Every request goes
 * through the same gate, in this order: banned source? (drop) ->
 * validation (400/413/416, or drop) -> method dispatch.  Nothing past the
 * gate re-checks what the gate guarantees.
 */
#ifndef CENTREX_SIP_STACK_H
#define CENTREX_SIP_STACK_H

#include <stdbool.h>
#include <stddef.h>

struct conf;
struct registrar;
struct ban_table;
struct sipstack;
struct sip;
struct sip_msg;

int  sipstack_start(struct sipstack **ssp, const struct conf *conf,
		    struct ban_table *bans, char *errbuf, size_t errsz);
struct sip *sipstack_sip(const struct sipstack *ss);
void sipstack_set_registrar(struct sipstack *ss, struct registrar *reg);
/*
 * The call layer: once set, INVITE, ACK, BYE, INFO and REFER pass the
 * gate and go on to libre's session layer (which the call layer
 * registers after us); other requests are offered to h first, which
 * returns true when it took them.
 */
typedef bool (sipstack_call_h)(const struct sip_msg *msg, void *arg);
void sipstack_set_call_handler(struct sipstack *ss, sipstack_call_h *h,
			       void *arg);
/*
 * Presence (SUBSCRIBE, NOTIFY, PUBLISH) and chat (MESSAGE): h returns
 * true when it took the request; false passes it on to libre's
 * listeners after us (an in-dialog SUBSCRIBE or a NOTIFY goes to the
 * event layer).  Without a handler these methods get 501.
 */
typedef bool (sipstack_req_h)(const struct sip_msg *msg, void *arg);
void sipstack_set_event_handler(struct sipstack *ss, sipstack_req_h *h,
				void *arg);
void sipstack_set_message_handler(struct sipstack *ss, sipstack_req_h *h,
				  void *arg);
/* told after each REGISTER with credentials was handled (its bindings
   may have changed), whatever the answer was */
typedef void (sipstack_register_h)(const struct sip_msg *msg, void *arg);
void sipstack_set_register_observer(struct sipstack *ss,
				    sipstack_register_h *h, void *arg);
void sipstack_close(struct sipstack *ss);

#endif
