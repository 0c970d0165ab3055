/*
 * hello.c - minimal libmicrohttpd server: the throughput ceiling for the
 * vulnflow HTTP benchmark (bench/http/run).
 *
 * It is configured like vulnflow's server so that the comparison is fair:
 * epoll internal thread pool with one thread per online CPU, error logging,
 * keep-alive (the HTTP/1.1 default), and a small JSON body
 * {"status":"ok"} with Content-Type: application/json.  It does nothing
 * else: no routing, no logging, no database.
 *
 * Usage: hello PORT   (listens on 127.0.0.1:PORT until SIGINT/SIGTERM)
 * Build: cc -O2 -std=c17 -o hello hello.c $(pkg-config --cflags --libs libmicrohttpd)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

/* libmicrohttpd < 0.9.71 returned int from callbacks. */
#if MHD_VERSION < 0x00097002
typedef int MHD_Result_t;
#else
typedef enum MHD_Result MHD_Result_t;
#endif

static const char BODY[] = "{\"status\":\"ok\"}";

/* Any non-NULL address works as the "request seen" marker in *con_cls. */
static int request_marker;

/*
 * Access handler.  libmicrohttpd calls it at least twice per request: first
 * when the headers are parsed, then again (with the upload data, if any, and
 * finally with *upload_data_size == 0).  Queueing a response on the first
 * call makes libmicrohttpd answer before it has read the (possible) body, so
 * it closes the connection after every request and keep-alive is lost.  We
 * therefore only mark the request on the first call and respond on the
 * second, exactly as vulnflow's server does.
 */
static MHD_Result_t handle(void *cls, struct MHD_Connection *conn,
                           const char *url, const char *method,
                           const char *version, const char *upload_data,
                           size_t *upload_data_size, void **con_cls)
{
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;

    if (*con_cls == NULL) {             /* first call: headers only */
        *con_cls = &request_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {       /* discard any request body */
        *upload_data_size = 0;
        return MHD_YES;
    }

    /*
     * A response object per request (body not copied), as a real handler
     * would build one; a shared pre-built response would be slightly
     * cheaper and so a less comparable ceiling.
     */
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        sizeof BODY - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (resp == NULL)
        return MHD_NO;
    if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                                "application/json") != MHD_YES) {
        MHD_destroy_response(resp);
        return MHD_NO;
    }
    MHD_Result_t ret = MHD_queue_response(conn, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    char *end;
    errno = 0;
    long port = strtol(argv[1], &end, 10);
    if (errno != 0 || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "hello: invalid port '%s'\n", argv[1]);
        return 2;
    }

    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    if (ncpu < 1)
        ncpu = 1;

    /* Block the stop signals before MHD starts its threads, so that they
     * inherit the mask and only sigwait() below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    if (pthread_sigmask(SIG_BLOCK, &stop, NULL) != 0) {
        fprintf(stderr, "hello: pthread_sigmask failed\n");
        return 1;
    }

    /* Bind to loopback only, like the benchmark's vulnflow instance. */
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO,
        (uint16_t)port, NULL, NULL, handle, NULL,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)ncpu,
        /* per-connection memory: libmicrohttpd's default, 32 KiB, as vulnflow uses */
        MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&addr,
        MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "hello: MHD_start_daemon failed on port %ld\n", port);
        return 1;
    }
    fprintf(stderr, "hello: listening on 127.0.0.1:%ld, %ld threads\n",
            port, ncpu);

    int sig;
    sigwait(&stop, &sig);
    MHD_stop_daemon(d);
    return 0;
}
