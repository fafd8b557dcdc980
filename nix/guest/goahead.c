/* nixvm-goahead <unix time in ms> <hex>: what the init does with the host's go-ahead line
 * (nix/guest/init.sh, go-ahead point). It sets the clock to the host's, to the millisecond, and
 * adds the host's entropy to the kernel's input pool, credited (ioctl RNDADDENTROPY), then makes
 * the random number generator reseed from that pool at once (RNDRESEEDCRNG): without that a
 * restored guest would repeat the saved guest's random numbers until its next scheduled reseed,
 * and a generator not yet initialised would keep the key it had when it was saved.
 * A static program in the initramfs: under TCG, perl from the host's /usr cost a restored guest
 * more than a second for the ioctls, and busybox date sets whole seconds only. */
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct {
        struct rand_pool_info info;
        unsigned char bytes[64];
    } pool;
    size_t n = argc == 3 ? strlen(argv[2]) / 2 : 0;
    if (n == 0 || n > sizeof pool.bytes) {
        fprintf(stderr, "usage: nixvm-goahead <unix time in ms> <2 to 128 hex digits>\n");
        return 2;
    }
    long long ms = strtoll(argv[1], NULL, 10);
    struct timespec now = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
    if (clock_settime(CLOCK_REALTIME, &now) != 0) {
        perror("nixvm-goahead: set the clock");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char hex[3] = { argv[2][2 * i], argv[2][2 * i + 1], 0 };
        pool.bytes[i] = (unsigned char)strtoul(hex, NULL, 16);
    }
    pool.info.entropy_count = (int)(8 * n);
    pool.info.buf_size = (int)n;
    int fd = open("/dev/urandom", O_WRONLY);
    if (fd < 0 || ioctl(fd, RNDADDENTROPY, &pool) != 0 || ioctl(fd, RNDRESEEDCRNG) != 0) {
        perror("nixvm-goahead: add the host's entropy and reseed");
        return 1;
    }
    return 0;
}
