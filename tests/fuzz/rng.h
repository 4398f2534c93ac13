// The fuzzers' random numbers: a seeded xoshiro256** generator and the
// draws the generators need. The same seed gives the same requests, packets
// and datagrams on every machine and library (no std:: distributions, whose
// output the standard leaves to the implementation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace fnat::fuzz {

class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        // splitmix64 spreads the seed over the state, never all zero.
        for (auto& word : state_) {
            seed += 0x9e3779b97f4a7c15ULL;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    // 0..n-1 (n > 0); the tiny modulo bias does not matter here.
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
    std::size_t index(std::size_t n) { return static_cast<std::size_t>(next() % n); }
    // low..high, both included.
    std::uint32_t range(std::uint32_t low, std::uint32_t high) {
        return low + static_cast<std::uint32_t>(next() % (std::uint64_t{high} - low + 1));
    }
    // True with probability percent / 100.
    bool percent(unsigned percent) { return below(100) < percent; }
    // True with probability per_mille / 1000.
    bool chance(unsigned per_mille) { return below(1000) < per_mille; }
    std::uint8_t byte() { return static_cast<std::uint8_t>(next() >> 56); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(next() >> 48); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(next() >> 32); }

    void fill(std::span<std::uint8_t> out) {
        for (std::uint8_t& b : out)
            b = byte();
    }
    std::vector<std::uint8_t> bytes(std::size_t n) {
        std::vector<std::uint8_t> out(n);
        fill(out);
        return out;
    }

    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[index(items.size())];
    }
    template <typename T, std::size_t N>
    const T& pick(const T (&items)[N]) {
        return items[index(N)];
    }

    // An index drawn with the given weights (not all zero).
    std::size_t weighted(const std::vector<unsigned>& weights) {
        std::uint64_t total = 0;
        for (unsigned w : weights)
            total += w;
        std::uint64_t draw = next() % total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (draw < weights[i])
                return i;
            draw -= weights[i];
        }
        return weights.size() - 1;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t state_[4] = {};
};

} // namespace fnat::fuzz
