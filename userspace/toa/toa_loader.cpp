#include "toa/toa_loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <memory>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/magic.h>

#include "toa.skel.h"
#include "toa_shared.h"

namespace fnat::toa {
namespace {

namespace fs = std::filesystem;

const char* const kStatsPin = "stats";

std::string error_text(int error) {
    return std::strerror(error);
}

// An owned file descriptor.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

struct SkeletonDeleter {
    void operator()(toa_bpf* skel) const { toa_bpf::destroy(skel); }
};
struct LinkDeleter {
    void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;

// libbpf's own messages: warnings only (the verifier's log comes with them
// when a program is refused).
int print_libbpf(enum libbpf_print_level level, const char* format, va_list args) {
    if (level != LIBBPF_WARN)
        return 0;
    return std::vfprintf(stderr, format, args);
}

void require_root(const char* what) {
    if (::geteuid() != 0)
        throw ToaError(std::string("must be run as root: ") + what);
}

std::string pin_path(const std::string& dir, const std::string& name) {
    return dir + "/" + name;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

} // namespace

std::vector<std::string> link_names() {
    return {"sockops", "getpeername4", "getpeername6", "getsockopt"};
}

std::string errno_hint(int error) {
    switch (error) {
    case EPERM:
    case EACCES:
        return " (needs root: CAP_BPF and CAP_NET_ADMIN, or CAP_SYS_ADMIN; a lockdown or "
               "kernel.unprivileged_bpf_disabled policy may also refuse it)";
    case EINVAL:
    case EOPNOTSUPP:
        return " (the kernel lacks a feature fnat-toa needs: Linux >= 5.10 built with "
               "CONFIG_CGROUP_BPF and CONFIG_BPF_SYSCALL; Debian's 6.1 and 6.12 have them)";
    case ENOENT:
        return " (not pinned: is fnat-toa attached?)";
    default:
        return "";
    }
}

std::string check_cgroup(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec)
        throw ToaError("cannot resolve cgroup path " + path + ": " + ec.message());
    struct stat st {};
    if (::stat(absolute.c_str(), &st) != 0)
        throw ToaError("no such cgroup directory: " + absolute.string() + ": " + error_text(errno));
    if (!S_ISDIR(st.st_mode))
        throw ToaError(absolute.string() + " is not a directory (give a cgroup v2 directory, "
                                           "e.g. /sys/fs/cgroup)");
    struct statfs sfs {};
    if (::statfs(absolute.c_str(), &sfs) != 0)
        throw ToaError("statfs " + absolute.string() + ": " + error_text(errno));
    if (sfs.f_type == CGROUP_SUPER_MAGIC)
        throw ToaError(absolute.string() +
                       " is a cgroup v1 hierarchy: fnat-toa needs cgroup v2 (the unified "
                       "hierarchy, the default since Debian 11; boot with "
                       "systemd.unified_cgroup_hierarchy=1)");
    if (sfs.f_type != CGROUP2_SUPER_MAGIC)
        throw ToaError(absolute.string() +
                       " is not in a cgroup v2 filesystem (no cgroup2 mount? mount -t cgroup2 "
                       "none /sys/fs/cgroup)");
    return absolute.string();
}

void check_pin_dir(const std::string& dir) {
    fs::path parent = fs::path(dir).parent_path();
    if (parent.empty())
        parent = ".";
    struct statfs sfs {};
    if (::statfs(parent.c_str(), &sfs) != 0 || sfs.f_type != BPF_FS_MAGIC)
        throw ToaError(parent.string() +
                       " is not a BPF filesystem, so the programs cannot stay attached "
                       "after fnat-toa exits (mount -t bpf bpf " +
                       parent.string() + ")");
}

void attach(const std::string& cgroup, const std::string& pin_dir) {
    require_root("it loads BPF programs");
    const std::string cgroup_dir = check_cgroup(cgroup);
    check_pin_dir(pin_dir);
    for (const std::string& name : link_names())
        if (exists(pin_path(pin_dir, name)))
            throw ToaError("already attached (" + pin_path(pin_dir, name) +
                           " exists); run 'fnat-toa detach' first");

    libbpf_set_print(print_libbpf);
    std::unique_ptr<toa_bpf, SkeletonDeleter> skel(toa_bpf::open_and_load());
    if (!skel) {
        // As root, a refusal here is the verifier's (its log is above) or
        // the kernel's lack of a program or map type.
        const int error = errno;
        std::string btf =
            exists("/sys/kernel/btf/vmlinux")
                ? ""
                : "; this kernel has no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)";
        throw ToaError("cannot load the BPF programs: " + error_text(error) +
                       " (the kernel refused them: fnat-toa needs Linux >= 5.10 with "
                       "CONFIG_CGROUP_BPF and BPF sk_storage, as Debian's 6.1 and 6.12 have" +
                       btf + ")");
    }

    Fd cgroup_fd(::open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (cgroup_fd.get() < 0)
        throw ToaError("cannot open " + cgroup_dir + ": " + error_text(errno));

    bpf_program* const programs[] = {
        skel->progs.fnat_toa_sockops, skel->progs.fnat_toa_getpeername4,
        skel->progs.fnat_toa_getpeername6, skel->progs.fnat_toa_getsockopt};
    const std::vector<std::string> names = link_names();
    std::vector<LinkPtr> links;
    for (std::size_t i = 0; i < names.size(); ++i) {
        LinkPtr link(bpf_program__attach_cgroup(programs[i], cgroup_fd.get()));
        if (!link) {
            const int error = errno;
            throw ToaError("cannot attach the " + names[i] + " program to " + cgroup_dir + ": " +
                           error_text(error) + errno_hint(error));
        }
        links.push_back(std::move(link));
    }

    // Pin everything, or nothing: on a failure the pins made so far go again
    // (the links themselves detach when their last reference is closed).
    if (::mkdir(pin_dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw ToaError("cannot create " + pin_dir + ": " + error_text(errno) + errno_hint(errno));
    std::vector<std::string> pinned;
    auto undo = [&pinned, &pin_dir]() {
        for (const std::string& path : pinned)
            ::unlink(path.c_str());
        ::rmdir(pin_dir.c_str());
    };
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string path = pin_path(pin_dir, names[i]);
        if (bpf_link__pin(links[i].get(), path.c_str()) != 0) {
            const int error = errno;
            undo();
            throw ToaError("cannot pin " + path + ": " + error_text(error));
        }
        pinned.push_back(path);
    }
    const std::string stats = pin_path(pin_dir, kStatsPin);
    if (bpf_map__pin(skel->maps.fnat_toa_stats, stats.c_str()) != 0) {
        const int error = errno;
        undo();
        throw ToaError("cannot pin " + stats + ": " + error_text(error));
    }
}

bool detach(const std::string& pin_dir) {
    require_root("it detaches BPF programs");
    bool found = false;
    for (const std::string& name : link_names()) {
        const std::string path = pin_path(pin_dir, name);
        if (!exists(path))
            continue;
        found = true;
        Fd fd(bpf_obj_get(path.c_str()));
        if (fd.get() < 0) {
            const int error = errno;
            throw ToaError("cannot open " + path + ": " + error_text(error) + errno_hint(error));
        }
        // Detach now even if some other process still holds the link; a
        // link whose cgroup is gone is already detached (ENOLINK).
        if (bpf_link_detach(fd.get()) != 0 && errno != ENOLINK) {
            const int error = errno;
            throw ToaError("cannot detach " + path + ": " + error_text(error) + errno_hint(error));
        }
        if (::unlink(path.c_str()) != 0)
            throw ToaError("cannot unpin " + path + ": " + error_text(errno));
    }
    const std::string stats = pin_path(pin_dir, kStatsPin);
    if (exists(stats)) {
        found = true;
        if (::unlink(stats.c_str()) != 0)
            throw ToaError("cannot unpin " + stats + ": " + error_text(errno));
    }
    if (::rmdir(pin_dir.c_str()) != 0 && errno != ENOENT)
        throw ToaError("cannot remove " + pin_dir + ": " + error_text(errno));
    return found;
}

std::string cgroup_path_of(std::uint64_t id) {
    if (id == 0)
        return "";
    // On cgroup v2 a cgroup's id is the inode number of its directory.
    std::error_code ec;
    struct stat st {};
    if (::stat(kDefaultCgroup, &st) == 0 && st.st_ino == id)
        return kDefaultCgroup;
    for (fs::recursive_directory_iterator
             it(kDefaultCgroup, fs::directory_options::skip_permission_denied, ec),
         end;
         !ec && it != end; it.increment(ec)) {
        if (!it->is_directory(ec) || it->is_symlink(ec))
            continue;
        if (::stat(it->path().c_str(), &st) == 0 && st.st_ino == id)
            return it->path().string();
    }
    return "";
}

Status status(const std::string& pin_dir) {
    Status result;
    result.kernel_btf = exists("/sys/kernel/btf/vmlinux");
    for (const std::string& name : link_names()) {
        LinkState link;
        link.name = name;
        const std::string path = pin_path(pin_dir, name);
        if (!exists(path)) {
            result.links.push_back(link);
            continue;
        }
        link.pinned = true;
        Fd fd(bpf_obj_get(path.c_str()));
        if (fd.get() < 0) {
            const int error = errno;
            throw ToaError("cannot open " + path + ": " + error_text(error) + errno_hint(error));
        }
        bpf_link_info info{};
        std::uint32_t length = sizeof(info);
        if (bpf_obj_get_info_by_fd(fd.get(), &info, &length) != 0)
            throw ToaError("cannot read " + path + ": " + error_text(errno));
        link.prog_id = info.prog_id;
        if (info.type == BPF_LINK_TYPE_CGROUP) {
            link.cgroup_id = info.cgroup.cgroup_id;
            link.cgroup_path = cgroup_path_of(link.cgroup_id);
        }
        result.links.push_back(link);
    }

    const std::string stats = pin_path(pin_dir, kStatsPin);
    if (exists(stats)) {
        Fd fd(bpf_obj_get(stats.c_str()));
        const int cpus = libbpf_num_possible_cpus();
        if (fd.get() >= 0 && cpus > 0) {
            std::vector<std::uint64_t> values(static_cast<std::size_t>(cpus));
            std::uint64_t sums[FNAT_TOA_STAT_MAX] = {};
            for (std::uint32_t key = 0; key < FNAT_TOA_STAT_MAX; ++key) {
                if (bpf_map_lookup_elem(fd.get(), &key, values.data()) != 0) {
                    // Counters pinned by an older fnat-toa end earlier.
                    if (errno == ENOENT)
                        break;
                    throw ToaError("cannot read " + stats + ": " + error_text(errno));
                }
                for (std::uint64_t v : values)
                    sums[key] += v;
            }
            result.have_stats = true;
            result.stats.from_ack = sums[FNAT_TOA_STAT_FROM_ACK];
            result.stats.from_data = sums[FNAT_TOA_STAT_FROM_DATA];
            result.stats.invalid = sums[FNAT_TOA_STAT_INVALID];
            result.stats.no_storage = sums[FNAT_TOA_STAT_NO_STORAGE];
            result.stats.rewrites = sums[FNAT_TOA_STAT_REWRITES];
            result.stats.unrepresentable = sums[FNAT_TOA_STAT_UNREPRESENTABLE];
            result.stats.sockopt = sums[FNAT_TOA_STAT_SOCKOPT];
            result.stats.ipv6 = sums[FNAT_TOA_STAT_IPV6];
        }
    }
    return result;
}

} // namespace fnat::toa
