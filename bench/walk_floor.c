// The floor of a no-change rebuild's walk on this machine: only what the walk
// must ask the kernel (every folder read with getdents64, every name stat'ed
// with statx(AT_SYMLINK_NOFOLLOW) and the walk's mask, folders opened relative
// to their parent), with nothing built from the answers. Not part of the
// product: bench/floor.sh builds it with cc and compares it with `git status`
// and `find -printf` over the same tree.
//
//   walk_floor DIR [THREADS [ROUNDS [MODE]]]
//     THREADS  1 or more; folders are shared from one stack, nearest first,
//              so no thread runs dry while another still has folders (default 1)
//     ROUNDS   walks of the tree; the fastest is printed (default 5)
//     MODE     statx (default), fstatat (newfstatat, as lstat), or none (the
//              folders read, nothing stat'ed: what the stats cost is the difference)
//
// Prints one line: files, folders, and the fastest round's wall, user and
// system seconds (user and system of the whole process over that round).
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

// The product's k_source_statx_mask (src/store/source_stat.h).
#define WALK_MASK (STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_MTIME | STATX_CTIME | STATX_INO)

enum mode { MODE_STATX, MODE_FSTATAT, MODE_NONE, MODE_URING };

struct folder {
  int parent_fd;  // open folder the name is relative to; closed by the last child
  int* parent_refs;
  char name[256];
};

static struct {
  pthread_mutex_t mutex;
  pthread_cond_t changed;
  struct folder* stack;
  size_t size, capacity;
  int busy;  // threads reading a folder (they may push more)
  enum mode mode;
} shared = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0, MODE_STATX};

struct counts {
  long files, folders;
};

static void push(struct folder folder) {
  if (shared.size == shared.capacity) {
    shared.capacity = shared.capacity ? shared.capacity * 2 : 1024;
    shared.stack = realloc(shared.stack, shared.capacity * sizeof *shared.stack);
    if (!shared.stack) abort();
  }
  shared.stack[shared.size++] = folder;
}

static void release(int fd, int* refs) {
  if (!refs) return;
  pthread_mutex_lock(&shared.mutex);
  int last = --*refs == 0;
  pthread_mutex_unlock(&shared.mutex);
  if (last) {
    close(fd);
    free(refs);
  }
}

// Each thread's ring, for MODE_URING.
static __thread struct io_uring ring;
static __thread int ring_ready;
#define RING_DEPTH 256

// Whether each name is a folder, stat'ed with io_uring: one submission for
// up to RING_DEPTH names, run by the kernel's io-wq workers.
static void stat_with_uring(int fd, char** names, size_t count, char* is_folder) {
  static __thread struct statx infos[RING_DEPTH];
  if (!ring_ready) {
    if (io_uring_queue_init(RING_DEPTH, &ring, 0) != 0) {
      perror("io_uring_queue_init");
      exit(1);
    }
    ring_ready = 1;
  }
  for (size_t first = 0; first < count; first += RING_DEPTH) {
    size_t batch = count - first < RING_DEPTH ? count - first : RING_DEPTH;
    for (size_t i = 0; i < batch; i++) {
      struct io_uring_sqe* sqe = io_uring_get_sqe(&ring);
      io_uring_prep_statx(sqe, fd, names[first + i], AT_SYMLINK_NOFOLLOW, WALK_MASK, &infos[i]);
      io_uring_sqe_set_data64(sqe, i);
    }
    io_uring_submit_and_wait(&ring, (unsigned)batch);
    for (size_t done = 0; done < batch;) {
      struct io_uring_cqe* cqe;
      if (io_uring_wait_cqe(&ring, &cqe) != 0) abort();
      if (cqe->res < 0) {
        fprintf(stderr, "statx: %s\n", strerror(-cqe->res));
        exit(1);
      }
      size_t i = (size_t)io_uring_cqe_get_data64(cqe);
      is_folder[first + i] = S_ISDIR(infos[i].stx_mode);
      io_uring_cqe_seen(&ring, cqe);
      done++;
    }
  }
}

// Reads one folder: every name stat'ed; subfolders pushed for any thread.
static void read_folder(struct folder folder, char* buffer, size_t buffer_size, struct counts* counts) {
  int fd = openat(folder.parent_fd, folder.name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    perror(folder.name);
    exit(1);
  }
  release(folder.parent_fd, folder.parent_refs);
  counts->folders++;
  // Every name first (as the product reads a folder whole before it stats).
  static __thread char* names_buffer;
  static __thread size_t names_capacity;
  static __thread char** names;
  static __thread char* is_folder;
  static __thread size_t names_max;
  size_t names_size = 0, count = 0;
  size_t offsets[65536];
  for (;;) {
    long got = syscall(SYS_getdents64, fd, buffer, buffer_size);
    if (got == 0) break;
    if (got < 0) {
      perror("getdents64");
      exit(1);
    }
    for (long position = 0; position < got;) {
      struct dirent64* entry = (struct dirent64*)(buffer + position);
      position += entry->d_reclen;
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
      size_t length = strlen(name) + 2;  // its type byte, its name, the NUL
      if (names_size + length > names_capacity) {
        names_capacity = (names_size + length) * 2;
        names_buffer = realloc(names_buffer, names_capacity);
      }
      if (count == sizeof offsets / sizeof *offsets) abort();
      offsets[count++] = names_size + 1;
      names_buffer[names_size] = (char)entry->d_type;
      memcpy(names_buffer + names_size + 1, name, length - 1);
      names_size += length;
    }
  }
  if (count > names_max) {
    names_max = count * 2;
    names = realloc(names, names_max * sizeof *names);
    is_folder = realloc(is_folder, names_max);
  }
  for (size_t i = 0; i < count; i++) names[i] = names_buffer + offsets[i];

  if (shared.mode == MODE_URING) {
    stat_with_uring(fd, names, count, is_folder);
  } else {
    for (size_t i = 0; i < count; i++) {
      if (shared.mode == MODE_STATX) {
        struct statx info;
        if (statx(fd, names[i], AT_SYMLINK_NOFOLLOW, WALK_MASK, &info) != 0) {
          perror(names[i]);
          exit(1);
        }
        is_folder[i] = S_ISDIR(info.stx_mode);
      } else if (shared.mode == MODE_FSTATAT) {
        struct stat info;
        if (fstatat(fd, names[i], &info, AT_SYMLINK_NOFOLLOW) != 0) {
          perror(names[i]);
          exit(1);
        }
        is_folder[i] = S_ISDIR(info.st_mode);
      } else {
        is_folder[i] = names[i][-1] == DT_DIR;  // the type getdents64 gave
      }
    }
  }

  int* refs = malloc(sizeof *refs);
  *refs = 1;  // this reader's own hold, let go at the end
  struct folder* found = malloc(sizeof *found * (count ? count : 1));
  size_t found_count = 0;
  for (size_t i = 0; i < count; i++) {
    if (!is_folder[i]) {
      counts->files++;
      continue;
    }
    struct folder* child = &found[found_count++];
    child->parent_fd = fd;
    child->parent_refs = refs;
    snprintf(child->name, sizeof child->name, "%s", names[i]);
  }
  pthread_mutex_lock(&shared.mutex);
  *refs += (int)found_count;
  // In reverse, so they come off the stack in order, nearest first.
  for (size_t i = found_count; i-- > 0;) push(found[i]);
  pthread_cond_broadcast(&shared.changed);
  pthread_mutex_unlock(&shared.mutex);
  free(found);
  release(fd, refs);
}

static void* walker(void* result) {
  size_t buffer_size = 32 * 1024;
  char* buffer = malloc(buffer_size);
  struct counts* counts = result;
  pthread_mutex_lock(&shared.mutex);
  for (;;) {
    if (shared.size == 0) {
      if (shared.busy == 0) break;
      pthread_cond_wait(&shared.changed, &shared.mutex);
      continue;
    }
    struct folder folder = shared.stack[--shared.size];
    shared.busy++;
    pthread_mutex_unlock(&shared.mutex);
    read_folder(folder, buffer, buffer_size, counts);
    pthread_mutex_lock(&shared.mutex);
    shared.busy--;
  }
  pthread_cond_broadcast(&shared.changed);
  pthread_mutex_unlock(&shared.mutex);
  free(buffer);
  return NULL;
}

static double seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR [THREADS [ROUNDS [statx|fstatat|none]]]\n", argv[0]);
    return 2;
  }
  int threads = argc > 2 ? atoi(argv[2]) : 1;
  int rounds = argc > 3 ? atoi(argv[3]) : 5;
  const char* mode = argc > 4 ? argv[4] : "statx";
  shared.mode = strcmp(mode, "fstatat") == 0 ? MODE_FSTATAT
                : strcmp(mode, "none") == 0    ? MODE_NONE
                : strcmp(mode, "uring") == 0   ? MODE_URING
                                               : MODE_STATX;
  if (threads < 1 || threads > 64 || rounds < 1) return 2;

  double best_wall = 1e9, best_user = 0, best_system = 0;
  struct counts total = {0, 0};
  for (int round = 0; round < rounds; round++) {
    struct folder root = {AT_FDCWD, NULL, ""};
    snprintf(root.name, sizeof root.name, "%s", argv[1]);
    push(root);
    struct counts counts[64] = {{0, 0}};
    pthread_t ids[64];
    struct rusage before, after;
    struct timespec start, end;
    getrusage(RUSAGE_SELF, &before);
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int t = 1; t < threads; t++) pthread_create(&ids[t], NULL, walker, &counts[t]);
    walker(&counts[0]);
    for (int t = 1; t < threads; t++) pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    getrusage(RUSAGE_SELF, &after);
    double wall = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    total = (struct counts){0, 0};
    for (int t = 0; t < threads; t++) {
      total.files += counts[t].files;
      total.folders += counts[t].folders;
    }
    if (wall < best_wall) {
      best_wall = wall;
      best_user = seconds(after.ru_utime) - seconds(before.ru_utime);
      best_system = seconds(after.ru_stime) - seconds(before.ru_stime);
    }
  }
  printf("%s threads=%d files=%ld folders=%ld wall=%.3f user=%.3f sys=%.3f\n", mode, threads, total.files,
         total.folders, best_wall, best_user, best_system);
  return 0;
}
