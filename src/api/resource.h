/**
 * @file resource.h  The handlers of a plain tenant resource
 * (/tenants/{t}/<collection>[/{id}]), written once.
 *
 * Each verb runs the same steps: read the path, load the row, check
 * If-Match against the current representation, read and check the body,
 * write to the store, record the change in the audit log, answer with
 * the new representation and its ETag.  A resource file describes its
 * object in a struct api_resource and keeps only what is its own: the
 * JSON form, the body rules, the store calls and the problems it
 * answers when the store refuses a change.
 */
#ifndef CENTREX_API_RESOURCE_H
#define CENTREX_API_RESOURCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "api/api.h"

struct api_ctx;
struct store;

enum api_res_op {
	API_RES_GET,       /**< the object's id is set; fill the rest */
	API_RES_CREATE,    /**< set the object's id */
	API_RES_UPDATE,
	API_RES_DELETE,
};

struct api_resource {
	const char *collection;     /**< path segment and audit name */
	size_t size;                /**< of the store struct */
	size_t id_off;              /**< offsetof its int64_t id */
	const char *const *create_fields;   /**< body keys allowed */
	const char *const *update_fields;
	json_t *(*to_json)(const void *obj);
	/* defaults of a new object (zeroed before) and checks before its
	   body is read; false once the problem is written; may be NULL */
	bool (*init)(struct api_ctx *ctx, int64_t tid, void *obj,
		     struct api_resp *resp);
	/* the body into obj; false once the problem is written */
	bool (*read)(struct api_ctx *ctx, int64_t tid, json_t *o, void *obj,
		     bool create, struct api_resp *resp);
	/* one store call; an errno */
	int  (*store)(struct store *st, enum api_res_op op, int64_t tid,
		      void *obj);
	/* one page of the tenant's objects appended to items as JSON */
	int  (*list)(struct store *st, int64_t tid, int64_t after_id,
		     int limit, json_t *items);
	/* the problem for a store error of a change; NULL: api_store_error */
	void (*failed)(struct api_ctx *ctx, int64_t tid, enum api_res_op op,
		       void *obj, int err, struct api_resp *resp);
};

void api_res_list(const struct api_resource *r, struct api_ctx *ctx,
		  struct api_req *req, struct api_resp *resp);
void api_res_create(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp);
void api_res_get(const struct api_resource *r, struct api_ctx *ctx,
		 struct api_req *req, struct api_resp *resp);
void api_res_update(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp);
void api_res_delete(const struct api_resource *r, struct api_ctx *ctx,
		    struct api_req *req, struct api_resp *resp);

/* path {t}/{id} and the object into obj (r->size bytes); false once the
   problem is written (404 when there is no such object) */
bool api_res_load(const struct api_resource *r, struct api_ctx *ctx,
		  const struct api_req *req, struct api_resp *resp,
		  int64_t *tid, void *obj);

/* after a change: the audit record of collection/id and the answer
   (201 with Location for "create", 200 for "update", 204 for "delete");
   takes after, borrows before */
void api_res_done(struct api_ctx *ctx, const struct api_req *req,
		  struct api_resp *resp, const char *collection,
		  int64_t tid, int64_t id, const char *action, json_t *before,
		  json_t *after);

/* "cannot create the site" (404 if the tenant is gone, else 503) and
   its kin for the other changes */
void api_res_cannot(struct api_resp *resp, enum api_res_op op, int err,
		    const char *what);

/*
 * The store side of a resource from its typed store calls: NAME_list
 * (struct api_resource.list) appends each object as TO_JSON makes it;
 * NAME_store (.store) runs GET, CREATE, UPDATE and DELETE.  Macros
 * because each object has its own struct and handler types.
 */
#define API_RES_LIST_FN(NAME, TYPE, LIST, TO_JSON)                      \
	static int NAME##_add(const TYPE *o_, void *items_)             \
	{                                                                \
		json_array_append_new(items_, TO_JSON(o_));              \
		return 0;                                                \
	}                                                                \
	static int NAME##_list(struct store *st_, int64_t tid_,          \
			       int64_t after_, int limit_, json_t *items_) \
	{                                                                \
		return LIST(st_, tid_, after_, limit_, NAME##_add, items_); \
	}
#define API_RES_STORE_FN(NAME, TYPE, GET, CREATE, UPDATE, DELETE)       \
	static int NAME##_store(struct store *st_, enum api_res_op op_,  \
				int64_t tid_, void *obj_)                \
	{                                                                \
		TYPE *o_ = obj_;                                         \
		switch (op_) {                                           \
		case API_RES_GET:    return GET(st_, tid_, o_->id, o_);  \
		case API_RES_CREATE: return CREATE(st_, tid_, o_);       \
		case API_RES_UPDATE: return UPDATE(st_, tid_, o_);       \
		case API_RES_DELETE: return DELETE(st_, tid_, o_->id);   \
		}                                                        \
		return EINVAL;                                           \
	}

/* the five handlers of routes.c for a resource */
#define API_RES_HANDLERS(prefix, res)                                   \
	void prefix##_list(struct api_ctx *ctx, struct api_req *req,    \
			   struct api_resp *resp)                        \
	{ api_res_list(&(res), ctx, req, resp); }                        \
	void prefix##_create(struct api_ctx *ctx, struct api_req *req,  \
			     struct api_resp *resp)                      \
	{ api_res_create(&(res), ctx, req, resp); }                      \
	void prefix##_get(struct api_ctx *ctx, struct api_req *req,     \
			  struct api_resp *resp)                         \
	{ api_res_get(&(res), ctx, req, resp); }                         \
	void prefix##_update(struct api_ctx *ctx, struct api_req *req,  \
			     struct api_resp *resp)                      \
	{ api_res_update(&(res), ctx, req, resp); }                      \
	void prefix##_delete(struct api_ctx *ctx, struct api_req *req,  \
			     struct api_resp *resp)                      \
	{ api_res_delete(&(res), ctx, req, resp); }

#endif
