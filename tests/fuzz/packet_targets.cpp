#include "fuzz/packet_targets.h"

#include <algorithm>

namespace fnat::fuzz::packet {

bool Targets::has_family(int family) const {
    return src_for(family) != nullptr &&
           std::any_of(dsts.begin(), dsts.end(),
                       [family](const Address& a) { return a.family == family; });
}

const Address* Targets::src_for(int family) const {
    const std::optional<Address>& src = family == AF_INET6 ? src6 : src4;
    return src ? &*src : nullptr;
}

void SniffedTuples::add(const Sniffed& tuple) {
    ++seen_;
    if (tuple.own)
        ++seen_own_;
    // A retransmission refreshes its entry rather than taking a second one.
    auto same = std::find_if(tuples_.begin(), tuples_.end(), [&tuple](const Sniffed& s) {
        return s.proto == tuple.proto && s.lport == tuple.lport && s.laddr == tuple.laddr &&
               s.server_port == tuple.server_port && s.server == tuple.server;
    });
    if (same != tuples_.end())
        tuples_.erase(same);
    tuples_.push_front(tuple);
    if (tuples_.size() > kCapacity)
        tuples_.pop_back();
}

const Sniffed* SniffedTuples::pick(std::uint64_t draw, bool own_only) const {
    std::size_t count =
        own_only ? static_cast<std::size_t>(std::count_if(tuples_.begin(), tuples_.end(),
                                                          [](const Sniffed& s) { return s.own; }))
                 : tuples_.size();
    if (count == 0)
        return nullptr;
    std::size_t wanted = static_cast<std::size_t>(draw % count);
    for (const Sniffed& s : tuples_) {
        if (own_only && !s.own)
            continue;
        if (wanted-- == 0)
            return &s;
    }
    return nullptr;
}

} // namespace fnat::fuzz::packet
