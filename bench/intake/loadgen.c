/* loadgen.c - HTTP load generator for the intake benchmark (bench/intake/run).
 *
 * Posts realistic ~2 KB vulnerability reports (Chinese text, a different
 * title on every request) as JSON to POST /api/v1/reports over N keep-alive
 * connections (plain sockets, one epoll loop per thread), and counts only
 * "201 Created" answers as acks.
 *
 * Two modes:
 *
 *   open loop (--rate R > 0)  requests are scheduled at fixed times, R per
 *	second in all, whatever the server does.  Latency is measured from each
 *	request's *scheduled* send time, so a request that had to wait for a free
 *	connection (because the server is slow) is charged that wait: queueing is
 *	not hidden (no "coordinated omission").
 *   closed loop (--rate 0)    each connection sends its next request as soon
 *	as the previous answer arrived: the maximum throughput at N requests in
 *	flight.  Latency is measured from the actual send.
 *
 * Output: one machine-readable line on stdout,
 *
 *	LOADGEN mode=open offered=5000 connections=64 ... acks_per_s=... p50_us=...
 *	        status=201:49990,500:10
 *
 * and a human summary on stderr.  --print-body writes one sample body to
 * stdout and exits (for a pre-check with curl).
 *
 * Usage: loadgen --port P [--host 127.0.0.1] [--path /api/v1/reports]
 *	[--rate R] [--connections N] [--threads T] [--duration S] [--warmup S]
 *	[--drain S] [--bodies K] [--seed X] [--print-body]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP 65536
#define COUNTER_DIGITS 10

/* ---- settings ---- */

struct settings {
	const char *host;
	int port;
	const char *path;
	double rate;           /* requests/s in all; 0 = closed loop */
	unsigned connections;
	unsigned threads;
	double duration;       /* measured seconds */
	double warmup;         /* seconds before measuring */
	double drain;          /* seconds to wait for outstanding answers at the end */
	unsigned bodies;
	uint64_t seed;
};

static struct settings cfg = {
	.host = "127.0.0.1",
	.port = 0,
	.path = "/api/v1/reports",
	.rate = 0,
	.connections = 64,
	.threads = 1,
	.duration = 10,
	.warmup = 1,
	.drain = 10,
	.bodies = 1024,
	.seed = 0x5eed,
};

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory");
	return p;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- report bodies ---- */

static uint64_t rng_state;

static unsigned pick(unsigned n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state % n);
}

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const char *const products[] = {
	"智能路由器", "工业控制网关", "视频监控摄像头", "企业级防火墙", "物联网网关",
	"无线接入点", "网络存储设备", "三层交换机", "VPN 安全网关", "智能门锁控制器",
	"可编程逻辑控制器", "光猫终端", "云桌面终端", "堡垒机", "负载均衡设备",
};
static const char *const models[] = {
	"AX3000", "GW-8100", "IPC-6225", "FW-2000E", "IoT-G500", "AP-720", "NAS-420",
	"S5720-28P", "SSL-V300", "DL-100", "PLC-S7X", "HG8245", "VD-310", "BH-1000", "LB-5600",
};
static const char *const components[] = {
	"管理界面", "固件升级模块", "Web 服务", "远程诊断功能", "登录认证模块", "SNMP 服务",
	"文件上传接口", "配置备份功能", "日志导出接口", "UPnP 服务", "TR-069 客户端",
	"REST API", "设备发现协议", "会话管理模块",
};
static const char *const vulns[] = {
	"命令注入", "栈缓冲区溢出", "存储型跨站脚本", "SQL 注入", "认证绕过", "目录遍历",
	"任意文件读取", "硬编码凭据", "越权访问", "拒绝服务", "整数溢出", "信息泄露",
	"跨站请求伪造", "不安全的反序列化",
};
static const char *const sentences[] = {
	"在默认配置下，该接口无需登录即可访问，攻击者只需能够访问设备的管理端口即可发起攻击。",
	"服务端在拼接系统命令之前没有对用户提交的参数进行任何过滤或转义处理。",
	"通过构造特殊的请求参数，攻击者可以在设备上以最高权限执行任意系统命令。",
	"该问题影响当前官网提供下载的全部固件版本，我们在三台不同批次的设备上均成功复现。",
	"漏洞利用过程稳定可靠，不需要与管理员进行任何交互，也不会在系统日志中留下明显痕迹。",
	"由于设备通常直接部署在互联网边界，受影响的设备数量可能较多，建议尽快发布修复版本。",
	"会话令牌的生成使用了可预测的随机数种子，攻击者可以在短时间内枚举出有效的管理会话。",
	"上传接口仅在前端校验文件扩展名，后端未做任何检查，可上传并执行任意脚本文件。",
	"配置备份文件中以明文形式保存了管理员密码和无线网络密钥，且下载接口未做权限校验。",
	"长度字段在复制数据之前没有与目标缓冲区的大小进行比较，超长输入会覆盖函数返回地址。",
	"我们已经编写了概念验证代码，仅在自有测试环境中验证，未对任何第三方设备进行测试。",
	"临时缓解措施：关闭远程管理功能，并在上游防火墙上限制对管理端口的访问来源。",
	"建议厂商在服务端对所有输入参数进行白名单校验，并为敏感操作增加二次身份认证。",
	"该漏洞可与前述的信息泄露问题组合利用，形成从未授权访问到完全控制设备的攻击链。",
	"复现步骤如下：首先登录任意低权限账号，然后修改请求中的用户标识字段即可读取其他用户数据。",
	"设备在处理畸形的数据包时会进入死循环，导致看门狗重启，持续发送可使设备长期不可用。",
	"依据《网络产品安全漏洞管理规定》，我们首先向贵单位报告，并将在修复后协调公开披露。",
	"如需更多技术细节、抓包文件或现场演示，请通过报告中的联系方式与我们联系。",
	"固件中内置了一个未在文档中说明的调试账号，其密码在所有设备上相同且无法由用户修改。",
	"攻击者可以利用该问题读取系统中的任意文件，包括存放密钥和证书的敏感配置目录。",
};
static const char *const steps[] = {
	"1. 访问 http://192.168.1.1/cgi-bin/diag.cgi",
	"2. 在 host 参数中输入 127.0.0.1;id",
	"3. 观察返回页面中出现 uid=0(root)",
	"4. 使用附带的 poc.py 脚本可自动完成上述步骤",
	"影响版本：V2.1.3 及以下；已验证版本：V2.1.0、V2.1.2、V2.1.3",
	"CVSS 3.1 向量：CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
};
static const char *const names[] = { "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏",
				     "黄强", "周杰", "吴婷" };
static const char *const orgs[] = { "某网络安全实验室", "某大学信息安全学院", "独立安全研究员",
				    "某安全技术有限公司", "某漏洞研究团队" };

struct body {
	char *text;
	size_t len;
	size_t counter_at;     /* offset of the COUNTER_DIGITS placeholder in the title */
};

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		*buf = xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
}

/* One ~2 KB report: a title with a counter placeholder, a description of
 * sentences and reproduction steps, product and reporter. */
static void make_body(struct body *b, size_t target)
{
	char *buf = NULL, tmp[256];
	size_t len = 0, cap = 0;
	unsigned p = pick(N_OF(products)), who = pick(N_OF(names));

	append(&buf, &len, &cap, "{\"title\":\"");
	snprintf(tmp, sizeof(tmp), "%s %s %s存在%s漏洞（编号 ", products[p], models[p],
		 components[pick(N_OF(components))], vulns[pick(N_OF(vulns))]);
	append(&buf, &len, &cap, tmp);
	b->counter_at = len;
	for (int i = 0; i < COUNTER_DIGITS; i++)
		append(&buf, &len, &cap, "0");
	append(&buf, &len, &cap, "）\",\"description\":\"");
	append(&buf, &len, &cap, "漏洞概述：");
	/* the tail below is ~220 bytes and the last sentence ~120: fill the
	 * description with sentences and now and then a reproduction step on a
	 * line of its own */
	while (len + 280 < target) {
		if (pick(4) == 0) {
			append(&buf, &len, &cap, "\\n");
			append(&buf, &len, &cap, steps[pick(N_OF(steps))]);
			append(&buf, &len, &cap, "\\n");
			while (pick(2) == 0 && len + 280 < target) {
				append(&buf, &len, &cap, steps[pick(N_OF(steps))]);
				append(&buf, &len, &cap, "\\n");
			}
		} else {
			append(&buf, &len, &cap, sentences[pick(N_OF(sentences))]);
		}
	}
	append(&buf, &len, &cap, "\",\"language\":\"zh-CN\",\"product\":{\"name\":\"");
	append(&buf, &len, &cap, products[p]);
	append(&buf, &len, &cap, "\",\"model\":\"");
	append(&buf, &len, &cap, models[p]);
	snprintf(tmp, sizeof(tmp), "\",\"version\":\"V%u.%u.%u\"},\"reporter\":{\"name\":\"",
		 1 + pick(4), pick(10), pick(20));
	append(&buf, &len, &cap, tmp);
	append(&buf, &len, &cap, names[who]);
	snprintf(tmp, sizeof(tmp), "\",\"email\":\"researcher%u@example.cn\",\"organization\":\"",
		 pick(1000));
	append(&buf, &len, &cap, tmp);
	append(&buf, &len, &cap, orgs[pick(N_OF(orgs))]);
	append(&buf, &len, &cap, "\",\"country\":\"CN\"}}");
	b->text = buf;
	b->len = len;
}

static void set_counter(char *p, uint64_t v)
{
	for (int i = COUNTER_DIGITS - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* ---- per-thread state ---- */

enum conn_state { C_CONNECTING, C_IDLE, C_SENDING, C_WAITING };

struct conn {
	int fd;
	enum conn_state state;
	char *req;             /* the request being sent */
	size_t req_len, req_cap, req_off;
	char in[IN_CAP];
	size_t in_len;
	uint64_t start_ns;     /* scheduled (open loop) or actual (closed loop) send time */
	int measured;          /* the request falls in the measured window */
};

struct latencies {
	uint64_t *v;
	size_t n, cap;
};

struct worker {
	pthread_t thread;
	unsigned index;
	unsigned nconns;
	struct conn *conns;
	int ep;
	double rate;           /* this thread's share */
	uint64_t t0, t_measure, t_end, t_stop;
	uint64_t counter;      /* request number (for the titles) */
	/* open loop: the scheduled time of the next request not yet sent (every
	 * request scheduled before now and not sent is waiting for a connection) */
	uint64_t next_ns;
	uint64_t interval;
	size_t bl_max;         /* most requests ever waiting */
	/* results (measured window only) */
	struct latencies lat;
	struct latencies lag;  /* open loop: actual send - scheduled send */
	uint64_t status[600];
	uint64_t acks, completed, conn_errors, unfinished, sent;
	uint64_t last_done_ns;
	uint64_t bytes_sent;
};

static struct body *bodies;
static size_t nbodies;
static struct sockaddr_in server_addr;
static char host_header[300];

static void lat_add(struct latencies *l, uint64_t v)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 65536;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = v;
}

static void conn_open(struct worker *w, struct conn *c)
{
	struct epoll_event ev = { 0 };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) < 0 &&
	    errno != EINPROGRESS)
		die("connect to %s:%d: %s", cfg.host, cfg.port, strerror(errno));
	c->state = C_CONNECTING;
	c->in_len = 0;
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0)
		die("epoll_ctl: %s", strerror(errno));
}

static void conn_want(struct worker *w, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { 0 };

	ev.events = events;
	ev.data.ptr = c;
	epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* The connection failed or the server closed it: count the request in
 * flight (if any) as an error and connect again. */
static void conn_reset(struct worker *w, struct conn *c)
{
	if ((c->state == C_SENDING || c->state == C_WAITING) && c->measured)
		w->conn_errors++;
	epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	conn_open(w, c);
}

static void try_send(struct worker *w, struct conn *c)
{
	while (c->req_off < c->req_len) {
		ssize_t n = send(c->fd, c->req + c->req_off, c->req_len - c->req_off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				conn_want(w, c, EPOLLIN | EPOLLOUT);
				return;
			}
			if (errno == EINTR)
				continue;
			conn_reset(w, c);
			return;
		}
		c->req_off += (size_t)n;
	}
	c->state = C_WAITING;
	conn_want(w, c, EPOLLIN);
}

/* Start the next request on an idle connection; start is its scheduled time. */
static void start_request(struct worker *w, struct conn *c, uint64_t start, uint64_t now)
{
	const struct body *b = &bodies[w->counter % nbodies];
	uint64_t num = w->counter * cfg.threads + w->index;
	int hl;
	size_t need = b->len + 512;

	if (c->req_cap < need) {
		c->req_cap = need;
		c->req = xrealloc(c->req, need);
	}
	hl = snprintf(c->req, c->req_cap,
		      "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
		      "Content-Length: %zu\r\n\r\n",
		      cfg.path, host_header, b->len);
	memcpy(c->req + hl, b->text, b->len);
	set_counter(c->req + hl + b->counter_at, num);
	c->req_len = (size_t)hl + b->len;
	c->req_off = 0;
	c->start_ns = start;
	c->measured = start >= w->t_measure && start < w->t_end;
	if (c->measured) {
		w->sent++;
		w->bytes_sent += b->len;
		if (cfg.rate > 0)
			lat_add(&w->lag, now - start);
	}
	w->counter++;
	c->state = C_SENDING;
	try_send(w, c);
}

static const char *find_header(const char *h, size_t hlen, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = h; p + n + 2 < h + hlen; p++) {
		if (p[0] == '\r' && p[1] == '\n' && strncasecmp(p + 2, name, n) == 0)
			return p + 2 + n;
	}
	return NULL;
}

/* A complete answer in c->in?  1 with *status and *close_after, 0 if not yet, -1 if garbled. */
static int parse_response(struct conn *c, int *status, int *close_after, size_t *used)
{
	const char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	const char *v;
	size_t hlen, total;

	if (end == NULL)
		return c->in_len >= IN_CAP ? -1 : 0;
	hlen = (size_t)(end - c->in) + 4;
	if (c->in_len < 12 || strncmp(c->in, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(c->in + 9);
	v = find_header(c->in, hlen, "connection:");
	*close_after = v != NULL && strncasecmp(v + strspn(v, " \t"), "close", 5) == 0;
	v = find_header(c->in, hlen, "content-length:");
	if (v != NULL) {
		total = hlen + strtoul(v, NULL, 10);
		if (total > IN_CAP)
			return -1;
		if (c->in_len < total)
			return 0;
		*used = total;
		return 1;
	}
	v = find_header(c->in, hlen, "transfer-encoding:");
	if (v != NULL) {
		/* chunked: done at the last chunk */
		const char *z = memmem(c->in + hlen, c->in_len - hlen, "0\r\n\r\n", 5);

		if (z == NULL)
			return c->in_len >= IN_CAP ? -1 : 0;
		*used = (size_t)(z - c->in) + 5;
		return 1;
	}
	*used = hlen;      /* no body (e.g. 204) */
	return 1;
}

static void on_readable(struct worker *w, struct conn *c, uint64_t now)
{
	for (;;) {
		ssize_t n = recv(c->fd, c->in + c->in_len, IN_CAP - c->in_len, 0);
		int status = 0, close_after = 0, rc;
		size_t used = 0;

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			conn_reset(w, c);
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		c->in_len += (size_t)n;
		if (c->state != C_WAITING && c->state != C_SENDING) {
			c->in_len = 0;   /* unsolicited bytes: ignore */
			continue;
		}
		rc = parse_response(c, &status, &close_after, &used);
		if (rc == 0)
			continue;
		if (rc < 0) {
			conn_reset(w, c);
			return;
		}
		if (c->measured) {
			w->completed++;
			if (status >= 100 && status < 600)
				w->status[status]++;
			if (status == 201)
				w->acks++;
			lat_add(&w->lat, now - c->start_ns);
			if (now > w->last_done_ns)
				w->last_done_ns = now;
		}
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		c->state = C_IDLE;
		if (close_after) {
			epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
			close(c->fd);
			conn_open(w, c);
		}
		return;
	}
}

/* Open loop: requests scheduled before now and not yet sent. */
static size_t waiting(const struct worker *w, uint64_t now)
{
	/* scheduled times run from t0 up to, not including, t_end */
	uint64_t until = now < w->t_end ? now : w->t_end - 1;

	if (!w->interval || w->next_ns > until)
		return 0;
	return (size_t)((until - w->next_ns) / w->interval + 1);
}

static int busy(const struct worker *w)
{
	for (unsigned i = 0; i < w->nconns; i++)
		if (w->conns[i].state == C_SENDING || w->conns[i].state == C_WAITING)
			return 1;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[256];

	w->interval = w->rate > 0 ? (uint64_t)(1e9 / w->rate) : 0;
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	if (w->ep < 0)
		die("epoll_create1: %s", strerror(errno));
	for (unsigned i = 0; i < w->nconns; i++)
		conn_open(w, &w->conns[i]);
	/* stagger the threads' schedules evenly */
	w->next_ns = w->t0 + (w->interval ? w->interval * w->index / cfg.threads : 0);
	for (;;) {
		uint64_t now = now_ns();
		struct timespec ts;
		unsigned nidle = 0;
		size_t queued;
		int n;
		int64_t wait_ns = 50 * 1000000;

		/* hand work to idle connections: in the open loop, every request
		 * scheduled up to now, oldest first, with its scheduled time */
		queued = waiting(w, now);
		if (queued > w->bl_max)
			w->bl_max = queued;
		for (unsigned i = 0; i < w->nconns; i++) {
			struct conn *c = &w->conns[i];

			if (c->state != C_IDLE)
				continue;
			if (w->interval) {
				if (waiting(w, now) == 0) {
					nidle++;
					continue;
				}
				start_request(w, c, w->next_ns, now);
				w->next_ns += w->interval;
			} else if (now < w->t_end) {
				start_request(w, c, now, now);
			}
		}
		/* finished? */
		if (now >= w->t_end && waiting(w, now) == 0 && !busy(w))
			break;
		if (now >= w->t_stop)
			break;
		/* sleep until the next scheduled request (if a connection is free
		 * to send it) or an event */
		if (w->interval && nidle > 0 && w->next_ns < w->t_end)
			wait_ns = w->next_ns > now ? (int64_t)(w->next_ns - now) : 0;
		ts.tv_sec = wait_ns / 1000000000;
		ts.tv_nsec = wait_ns % 1000000000;
		n = epoll_pwait2(w->ep, evs, 256, &ts, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_pwait2: %s", strerror(errno));
		}
		now = now_ns();
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (c->state == C_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof(err);

				if ((evs[i].events & (EPOLLERR | EPOLLHUP)) ||
				    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
					die("cannot connect to %s:%d: %s", cfg.host, cfg.port,
					    strerror(err ? err : ECONNREFUSED));
				}
				c->state = C_IDLE;
				conn_want(w, c, EPOLLIN);
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				on_readable(w, c, now);
			if (c->state == C_SENDING && (evs[i].events & EPOLLOUT))
				try_send(w, c);
		}
	}
	/* what was scheduled in the window but never answered */
	for (unsigned i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];

		if ((c->state == C_SENDING || c->state == C_WAITING) && c->measured)
			w->unfinished++;
		close(c->fd);
		free(c->req);
	}
	if (w->interval) {
		/* never sent: scheduled from next_ns up to the window's end */
		for (uint64_t t = w->next_ns; t < w->t_end; t += w->interval)
			if (t >= w->t_measure)
				w->unfinished++;
	}
	close(w->ep);
	return NULL;
}

/* ---- results ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const struct latencies *l, double p)
{
	size_t i;

	if (l->n == 0)
		return 0;
	i = (size_t)(p / 100.0 * (double)(l->n - 1) + 0.5);
	return (double)l->v[i] / 1000.0;   /* microseconds */
}

static void merge(struct latencies *into, const struct latencies *l)
{
	for (size_t i = 0; i < l->n; i++)
		lat_add(into, l->v[i]);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen --port P [--host 127.0.0.1] [--path /api/v1/reports]\n"
		"               [--rate R] [--connections N] [--threads T] [--duration S]\n"
		"               [--warmup S] [--drain S] [--bodies K] [--seed X] [--print-body]\n"
		"\n"
		"Posts ~2 KB JSON reports in Chinese (a new title on every request) and counts\n"
		"201 answers as acks.  --rate R > 0: open loop, R requests/s in all, latency\n"
		"from each request's scheduled send time.  --rate 0 (default): closed loop,\n"
		"each connection sends again as soon as it is answered.\n"
		"Prints one LOADGEN key=value line on stdout and a summary on stderr.\n"
		"Defaults: --connections 64 --threads 1 --duration 10 --warmup 1 --drain 10\n"
		"          --bodies 1024.\n");
}

static double arg_num(int argc, char **argv, int *i)
{
	char *end;
	double v;

	if (*i + 1 >= argc)
		die("%s needs a value", argv[*i]);
	v = strtod(argv[++*i], &end);
	if (*end != '\0' || v < 0)
		die("%s: \"%s\" is not a non-negative number", argv[*i - 1], argv[*i]);
	return v;
}

int main(int argc, char **argv)
{
	struct worker *ws;
	struct latencies lat = { 0 }, lag = { 0 };
	uint64_t status[600] = { 0 };
	uint64_t acks = 0, completed = 0, conn_errors = 0, unfinished = 0, sent = 0, bytes = 0;
	uint64_t last_done = 0, t0;
	size_t bl_max = 0;
	double elapsed, errors;
	int print_body = 0;
	char statuses[1024];
	size_t sl = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--host") == 0 && i + 1 < argc) {
			cfg.host = argv[++i];
		} else if (strcmp(a, "--path") == 0 && i + 1 < argc) {
			cfg.path = argv[++i];
		} else if (strcmp(a, "--port") == 0) {
			cfg.port = (int)arg_num(argc, argv, &i);
		} else if (strcmp(a, "--rate") == 0) {
			cfg.rate = arg_num(argc, argv, &i);
		} else if (strcmp(a, "--connections") == 0) {
			cfg.connections = (unsigned)arg_num(argc, argv, &i);
		} else if (strcmp(a, "--threads") == 0) {
			cfg.threads = (unsigned)arg_num(argc, argv, &i);
		} else if (strcmp(a, "--duration") == 0) {
			cfg.duration = arg_num(argc, argv, &i);
		} else if (strcmp(a, "--warmup") == 0) {
			cfg.warmup = arg_num(argc, argv, &i);
		} else if (strcmp(a, "--drain") == 0) {
			cfg.drain = arg_num(argc, argv, &i);
		} else if (strcmp(a, "--bodies") == 0) {
			cfg.bodies = (unsigned)arg_num(argc, argv, &i);
		} else if (strcmp(a, "--seed") == 0) {
			cfg.seed = (uint64_t)arg_num(argc, argv, &i);
		} else if (strcmp(a, "--print-body") == 0) {
			print_body = 1;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (cfg.bodies == 0)
		cfg.bodies = 1;
	rng_state = cfg.seed ? cfg.seed : 1;
	nbodies = cfg.bodies;
	bodies = xmalloc(nbodies * sizeof(*bodies));
	for (size_t i = 0; i < nbodies; i++)
		make_body(&bodies[i], 2048);
	if (print_body) {
		set_counter(bodies[0].text + bodies[0].counter_at, 0);
		fwrite(bodies[0].text, 1, bodies[0].len, stdout);
		return 0;
	}
	if (cfg.port <= 0 || cfg.port > 65535) {
		usage(stderr);
		return 2;
	}
	if (cfg.threads == 0)
		cfg.threads = 1;
	if (cfg.connections < cfg.threads)
		cfg.connections = cfg.threads;
	memset(&server_addr, 0, sizeof(server_addr));
	server_addr.sin_family = AF_INET;
	server_addr.sin_port = htons((uint16_t)cfg.port);
	if (inet_pton(AF_INET, cfg.host, &server_addr.sin_addr) != 1)
		die("--host \"%s\" is not an IPv4 address", cfg.host);
	snprintf(host_header, sizeof(host_header), "%s:%d", cfg.host, cfg.port);
	signal(SIGPIPE, SIG_IGN);

	ws = calloc(cfg.threads, sizeof(*ws));
	if (ws == NULL)
		die("out of memory");
	t0 = now_ns() + 100000000;   /* 100 ms to connect */
	for (unsigned i = 0; i < cfg.threads; i++) {
		struct worker *w = &ws[i];

		w->index = i;
		w->nconns = cfg.connections / cfg.threads + (i < cfg.connections % cfg.threads);
		w->conns = calloc(w->nconns, sizeof(*w->conns));
		if (w->conns == NULL)
			die("out of memory");
		w->rate = cfg.rate / cfg.threads;
		w->t0 = t0;
		w->t_measure = t0 + (uint64_t)(cfg.warmup * 1e9);
		w->t_end = w->t_measure + (uint64_t)(cfg.duration * 1e9);
		w->t_stop = w->t_end + (uint64_t)(cfg.drain * 1e9);
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
			die("pthread_create failed");
	}
	for (unsigned i = 0; i < cfg.threads; i++) {
		struct worker *w = &ws[i];

		pthread_join(w->thread, NULL);
		merge(&lat, &w->lat);
		merge(&lag, &w->lag);
		for (int s = 0; s < 600; s++)
			status[s] += w->status[s];
		acks += w->acks;
		completed += w->completed;
		conn_errors += w->conn_errors;
		unfinished += w->unfinished;
		sent += w->sent;
		bytes += w->bytes_sent;
		if (w->last_done_ns > last_done)
			last_done = w->last_done_ns;
		if (w->bl_max > bl_max)
			bl_max = w->bl_max;
	}
	qsort(lat.v, lat.n, sizeof(*lat.v), cmp_u64);
	qsort(lag.v, lag.n, sizeof(*lag.v), cmp_u64);
	/* throughput over the measured window, or until the last answer to a
	 * request of the window if that came later (a slow server stretches the
	 * window) */
	elapsed = cfg.duration;
	if (last_done > ws[0].t_end)
		elapsed = (double)(last_done - ws[0].t_measure) / 1e9;
	errors = (double)(completed - acks + conn_errors + unfinished);
	statuses[0] = '\0';
	for (int s = 0; s < 600; s++) {
		if (status[s] && sl < sizeof(statuses) - 32) {
			int k = snprintf(statuses + sl, sizeof(statuses) - sl, "%s%d:%llu",
					 sl ? "," : "", s, (unsigned long long)status[s]);
			sl += (size_t)k;
		}
	}
	printf("LOADGEN mode=%s offered=%.0f connections=%u threads=%u duration=%.3f elapsed=%.3f"
	       " sent=%llu completed=%llu acks=%llu acks_per_s=%.1f p50_us=%.0f p90_us=%.0f"
	       " p99_us=%.0f p999_us=%.0f max_us=%.0f lag_p99_us=%.0f backlog_max=%zu"
	       " errors=%.0f conn_errors=%llu unfinished=%llu body_bytes_avg=%.0f status=%s\n",
	       cfg.rate > 0 ? "open" : "closed", cfg.rate, cfg.connections, cfg.threads,
	       cfg.duration, elapsed, (unsigned long long)sent, (unsigned long long)completed,
	       (unsigned long long)acks, (double)acks / elapsed, pct(&lat, 50), pct(&lat, 90),
	       pct(&lat, 99), pct(&lat, 99.9), lat.n ? (double)lat.v[lat.n - 1] / 1000.0 : 0.0,
	       pct(&lag, 99), bl_max, errors, (unsigned long long)conn_errors,
	       (unsigned long long)unfinished, sent ? (double)bytes / (double)sent : 0.0,
	       statuses[0] ? statuses : "none");
	fprintf(stderr,
		"loadgen: %s loop, %s%.0f/s, %u connections: %llu acks in %.2f s = %.0f acks/s;"
		" latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; errors %.0f (%s)\n",
		cfg.rate > 0 ? "open" : "closed", cfg.rate > 0 ? "offered " : "unlimited ",
		cfg.rate, cfg.connections, (unsigned long long)acks, elapsed,
		(double)acks / elapsed, pct(&lat, 50) / 1000, pct(&lat, 99) / 1000,
		lat.n ? (double)lat.v[lat.n - 1] / 1e6 : 0.0, errors,
		statuses[0] ? statuses : "no answers");
	for (unsigned i = 0; i < cfg.threads; i++) {
		free(ws[i].conns);
		free(ws[i].lat.v);
		free(ws[i].lag.v);
	}
	free(ws);
	free(lat.v);
	free(lag.v);
	for (size_t i = 0; i < nbodies; i++)
		free(bodies[i].text);
	free(bodies);
	return 0;
}
