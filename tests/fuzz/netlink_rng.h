// The netlink fuzzer's random numbers: a seeded xoshiro256** generator with
// the few draws the generator and the mutator need, the same sequence for a
// seed on every machine and library (no std::uniform_int_distribution).
#pragma once

#include <cstddef>
#include <cstdint>
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
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
    // True with probability per_mille / 1000.
    bool chance(unsigned per_mille) { return below(1000) < per_mille; }
    std::uint8_t byte() { return static_cast<std::uint8_t>(next() >> 56); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(next() >> 32); }

    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[index(items.size())];
    }

    // An index drawn with the given weights (not all zero).
    std::size_t weighted(const std::vector<unsigned>& weights) {
        std::uint64_t total = 0;
        for (unsigned w : weights)
            total += w;
        std::uint64_t draw = below(total);
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
