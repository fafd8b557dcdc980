/* An Apache module for ApacheModuleTests, built with Debian's apxs by nixvm.lib.instrumentedBuild
 * and loaded into Debian's own (uninstrumented) apache2: GET /hello?NAME answers "hello, NAME".
 * Apache runs register_hooks when it loads the module (start-up) and the handler in its worker
 * processes for each request; only the latter shows whether those processes' counters were
 * written before the coverage was captured. */
#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"

static int hello_handler(request_rec *r) {
  if (r->handler == NULL || strcmp(r->handler, "nixvm-hello") != 0)
    return DECLINED;
  ap_set_content_type(r, "text/plain");
  ap_rprintf(r, "hello, %s\n", r->args != NULL ? r->args : "world");
  return OK;
}

static void register_hooks(apr_pool_t *pool) {
  (void)pool;
  ap_hook_handler(hello_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA nixvm_hello_module = {
  STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, register_hooks,
};
