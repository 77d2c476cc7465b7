// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Policy input (input.h). read(2) rather than stdio: its errno is the
 * reason a read failed, which fread() loses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"

static int read_fd(int fd, size_t max, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL, *p;
	ssize_t r;
	int err = 0;

	for (;;) {
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 2;
			if (n + 1 >= cap) {
				err = -EFBIG;
				goto out;
			}
			p = realloc(buf, cap);
			if (!p) {
				err = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			goto out;
		}
		if (!r)
			break;
		n += (size_t)r;
		if (n > max) {
			err = -EFBIG;
			goto out;
		}
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	return err;
}

int ig_input_read(const char *path, size_t max, char **text, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	int err;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	err = read_fd(fd, max, text, len);
out:
	if (!is_stdin)
		close(fd);
	return err;
}

bool ig_input_has_statement(const char *text, size_t len)
{
	bool comment = false;
	size_t i;

	/* As the parser splits words: blanks are ' ', '\t' and '\r'. */
	for (i = 0; i < len; i++) {
		switch (text[i]) {
		case '\n':
			comment = false;
			break;
		case '#':
			comment = true;
			break;
		case ' ':
		case '\t':
		case '\r':
			break;
		default:
			if (!comment)
				return true;
		}
	}
	return false;
}
