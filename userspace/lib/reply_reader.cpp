#include "lib/reply_reader.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <libmnl/libmnl.h>

#include "lib/netlink_error.h"

namespace fnat {
namespace {

std::size_t align4(std::size_t length) {
    return (length + 3) & ~std::size_t{3};
}

// Finds NLMSGERR_ATTR_MSG among the TLVs that start offset bytes into the
// message payload.
std::string find_extack_message(const nlmsghdr* message, std::size_t offset) {
    const std::size_t payload = message->nlmsg_len - align4(sizeof(nlmsghdr));
    if (message->nlmsg_len < align4(sizeof(nlmsghdr)) || offset >= payload)
        return {};
    const auto* cursor = static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(message)) + offset;
    std::size_t remaining = payload - offset;
    while (remaining >= sizeof(nlattr)) {
        const auto* attr = reinterpret_cast<const nlattr*>(cursor);
        if (attr->nla_len < sizeof(nlattr) || attr->nla_len > remaining)
            break; // malformed TLVs: keep the errno, drop the text
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG) {
            const char* text = static_cast<const char*>(mnl_attr_get_payload(attr));
            std::size_t length = mnl_attr_get_payload_len(attr);
            return std::string(text, strnlen(text, length));
        }
        std::size_t step = align4(attr->nla_len);
        if (step >= remaining)
            break;
        cursor += step;
        remaining -= step;
    }
    return {};
}

} // namespace

ErrorReport parse_error_message(const nlmsghdr* message) {
    if (message->nlmsg_len < align4(sizeof(nlmsghdr)) + sizeof(int))
        throw NetlinkError(EBADMSG, "truncated NLMSG_ERROR message from the kernel");
    const std::size_t payload = message->nlmsg_len - align4(sizeof(nlmsghdr));
    ErrorReport report;
    int code = 0;
    std::memcpy(&code, mnl_nlmsg_get_payload(message), sizeof(code));
    report.error = code < 0 ? -code : code;
    if ((message->nlmsg_flags & NLM_F_ACK_TLVS) == 0 || payload < sizeof(nlmsgerr))
        return report;
    // The TLVs follow the echoed request: its header only when capped,
    // header and payload otherwise.
    std::size_t offset = sizeof(nlmsgerr);
    if ((message->nlmsg_flags & NLM_F_CAPPED) == 0) {
        nlmsghdr echoed{};
        std::memcpy(&echoed,
                    static_cast<const std::uint8_t*>(mnl_nlmsg_get_payload(message)) + sizeof(int),
                    sizeof(echoed));
        if (echoed.nlmsg_len > sizeof(nlmsghdr))
            offset += align4(echoed.nlmsg_len - sizeof(nlmsghdr));
    }
    report.extack = find_extack_message(message, offset);
    return report;
}

ErrorReport parse_done_message(const nlmsghdr* message) {
    ErrorReport report;
    if (message->nlmsg_len < align4(sizeof(nlmsghdr)) + sizeof(int))
        return report; // old-style NLMSG_DONE without payload: success
    int code = 0;
    std::memcpy(&code, mnl_nlmsg_get_payload(message), sizeof(code));
    report.error = code < 0 ? -code : code;
    if ((message->nlmsg_flags & NLM_F_ACK_TLVS) != 0)
        report.extack = find_extack_message(message, align4(sizeof(int)));
    return report;
}

ReplyReader::ReplyReader(std::uint32_t seq, std::uint32_t portid, bool dump, DataHandler on_data)
    : seq_(seq), portid_(portid), dump_(dump), on_data_(std::move(on_data)) {}

bool ReplyReader::feed(const void* datagram, std::size_t length) {
    const auto* cursor = static_cast<const std::uint8_t*>(datagram);
    std::size_t remaining = length;
    while (remaining > 0 && !complete_) {
        if (remaining < sizeof(nlmsghdr))
            throw NetlinkError(EBADMSG, "truncated netlink message from the kernel");
        const auto* message = reinterpret_cast<const nlmsghdr*>(cursor);
        if (message->nlmsg_len < sizeof(nlmsghdr) || message->nlmsg_len > remaining)
            throw NetlinkError(EBADMSG, "truncated netlink message from the kernel");
        if (message->nlmsg_seq != seq_)
            throw NetlinkError(EPROTO, "netlink reply has sequence number " +
                                           std::to_string(message->nlmsg_seq) + ", expected " +
                                           std::to_string(seq_));
        if (message->nlmsg_pid != portid_)
            throw NetlinkError(EPROTO, "netlink reply is for port id " +
                                           std::to_string(message->nlmsg_pid) + ", expected " +
                                           std::to_string(portid_));

        switch (message->nlmsg_type) {
        case NLMSG_NOOP:
            break;
        case NLMSG_ERROR: {
            ErrorReport report = parse_error_message(message);
            if (report.error != 0)
                throw NetlinkError(report.error, report.extack);
            complete_ = true; // the ACK: the request is done
            break;
        }
        case NLMSG_DONE: {
            ErrorReport report = parse_done_message(message);
            if (report.error != 0)
                throw NetlinkError(report.error, report.extack);
            complete_ = true;
            break;
        }
        case NLMSG_OVERRUN:
            throw NetlinkError(EOVERFLOW, "netlink receive overrun");
        default:
            if (message->nlmsg_type < NLMSG_MIN_TYPE)
                break; // reserved control message: nothing for us
            if (dump_ && (message->nlmsg_flags & NLM_F_DUMP_INTR) != 0)
                interrupted_ = true;
            on_data_(message);
            break;
        }

        std::size_t step = align4(message->nlmsg_len);
        if (step >= remaining)
            break;
        cursor += step;
        remaining -= step;
    }
    return complete_;
}

} // namespace fnat
