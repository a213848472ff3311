/**
 * @file body.c  NOTIFY bodies: dialog-info, PIDF, message-summary.
 *
 * Phones read these with small parsers, so the documents stay plain:
 * one namespace prefix each, no optional elements beyond what BLF keys
 * and buddy lists look at (state, basic, an activity, a note).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "presence/body.h"

/* append to buf at *off; false (and *off past size) once it overflows */
static bool put(char *buf, size_t size, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool put(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *off) {
		*off = size;
		return false;
	}
	*off += (size_t)n;
	return true;
}

int pres_xml_escape(char *dst, size_t size, const char *src)
{
	size_t o = 0;

	if (!dst || !size)
		return -1;
	for (; src && *src; src++) {
		const char *rep = NULL;
		char one[2] = {*src, '\0'};

		switch (*src) {
		case '&':  rep = "&amp;";  break;
		case '<':  rep = "&lt;";   break;
		case '>':  rep = "&gt;";   break;
		case '"':  rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default:
			/* control characters have no place in XML 1.0 */
			if ((unsigned char)*src < 0x20)
				one[0] = ' ';
			rep = one;
			break;
		}
		if (o + strlen(rep) >= size)
			return -1;
		memcpy(dst + o, rep, strlen(rep));
		o += strlen(rep);
	}
	dst[o] = '\0';
	return (int)o;
}

static const char *dialog_state_name(enum presence_dialog_state st)
{
	switch (st) {
	case PRESENCE_DIALOG_EARLY:     return "early";
	case PRESENCE_DIALOG_CONFIRMED: return "confirmed";
	default:                        return "terminated";
	}
}

int pres_body_dialog(char *buf, size_t size, const char *entity,
		     uint32_t version, const struct pres_dialog_view *dv,
		     size_t n)
{
	char ent[300], esc[300];
	size_t o = 0;

	if (!buf || !entity || (n && !dv) ||
	    pres_xml_escape(ent, sizeof(ent), entity) < 0)
		return -1;
	put(buf, size, &o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	    "<dialog-info xmlns=\"urn:ietf:params:xml:ns:dialog-info\" "
	    "version=\"%u\" state=\"full\" entity=\"%s\">\r\n",
	    (unsigned)version, ent);
	for (size_t i = 0; i < n; i++) {
		if (pres_xml_escape(esc, sizeof(esc), dv[i].id) < 0)
			return -1;
		put(buf, size, &o, "<dialog id=\"%s\" direction=\"%s\">\r\n"
		    "<state>%s</state>\r\n", esc,
		    dv[i].initiator ? "initiator" : "recipient",
		    dialog_state_name(dv[i].st));
		if (dv[i].remote && dv[i].remote[0]) {
			if (pres_xml_escape(esc, sizeof(esc), dv[i].remote) < 0)
				return -1;
			put(buf, size, &o, "<remote><identity>%s</identity>"
			    "</remote>\r\n", esc);
		}
		put(buf, size, &o, "</dialog>\r\n");
	}
	if (!put(buf, size, &o, "</dialog-info>\r\n"))
		return -1;
	return (int)o;
}

int pres_body_pidf(char *buf, size_t size, const char *entity, bool open,
		   enum pres_activity act)
{
	static const struct {
		const char *rpid;        /**< RFC 4480 activity, NULL: none */
		const char *note;
	} acts[] = {
		[PRES_AVAILABLE] = {NULL, "Available"},
		[PRES_ON_PHONE] = {"on-the-phone", "On the phone"},
		[PRES_BUSY] = {"busy", "Do not disturb"},
		[PRES_AWAY] = {"away", "Away"},
	};
	char ent[300];
	size_t o = 0;

	if (!buf || !entity || (unsigned)act >= sizeof(acts) / sizeof(acts[0])
	    || pres_xml_escape(ent, sizeof(ent), entity) < 0)
		return -1;
	put(buf, size, &o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
	    "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
	    "xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\" "
	    "xmlns:rpid=\"urn:ietf:params:xml:ns:pidf:rpid\" "
	    "entity=\"%s\">\r\n"
	    "<tuple id=\"t1\"><status><basic>%s</basic></status>"
	    "<contact>%s</contact>"
	    "<note>%s</note></tuple>\r\n", ent, open ? "open" : "closed", ent,
	    open ? acts[act].note : "Offline");
	if (open && acts[act].rpid)
		put(buf, size, &o, "<dm:person id=\"p1\"><rpid:activities>"
		    "<rpid:%s/></rpid:activities><dm:note>%s</dm:note>"
		    "</dm:person>\r\n", acts[act].rpid, acts[act].note);
	if (!put(buf, size, &o, "</presence>\r\n"))
		return -1;
	return (int)o;
}

int pres_body_mwi(char *buf, size_t size, const char *account,
		  unsigned new_msgs, unsigned old_msgs)
{
	size_t o = 0;

	if (!buf || !account || strpbrk(account, "\r\n"))
		return -1;
	if (!put(buf, size, &o, "Messages-Waiting: %s\r\n"
		 "Message-Account: %s\r\n"
		 "Voice-Message: %u/%u (0/0)\r\n",
		 new_msgs ? "yes" : "no", account, new_msgs, old_msgs))
		return -1;
	return (int)o;
}
