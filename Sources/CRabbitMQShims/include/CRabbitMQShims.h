#ifndef CRABBITMQ_SHIMS_H
#define CRABBITMQ_SHIMS_H

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#else
#include <amqp.h>
#endif

/// amqp_login with SASL PLAIN. amqp_login is variadic, which Swift cannot call.
amqp_rpc_reply_t crmq_login_plain(amqp_connection_state_t state, const char *vhost, int channel_max,
                                  int frame_max, int heartbeat, const char *user, const char *password);

/// amqp_login_with_properties with SASL PLAIN, so a connection can carry a name and client properties.
amqp_rpc_reply_t crmq_login_plain_with_properties(amqp_connection_state_t state, const char *vhost,
                                                  int channel_max, int frame_max, int heartbeat,
                                                  const amqp_table_t *properties, const char *user,
                                                  const char *password);

#endif
