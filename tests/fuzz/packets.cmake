# fnat-fuzz-packets: the packet fuzzer of tests/e2e/fuzz_packets.sh
# (included by tests/fuzz/CMakeLists.txt). The library holds everything but
# main, for fnat_fuzz_packets_tests. It shares the benchmark's checksum and
# command-line helpers (tests/bench) and the traffic tools' socket helpers.
add_library(fnat_fuzz_packets STATIC
    ${CMAKE_CURRENT_LIST_DIR}/packet_build.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_exact.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_ext6.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_frag.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_icmp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_ip.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_mutate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_spoofed.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_tcp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_gen_udp.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_kind.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_run.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_sender.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_sniffer.cpp
    ${CMAKE_CURRENT_LIST_DIR}/packet_targets.cpp
)
# Sources include "fuzz/NAME.h", as the userspace tree includes "lib/NAME.h".
target_include_directories(fnat_fuzz_packets PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_options(fnat_fuzz_packets PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat_fuzz_packets PUBLIC fnat_bench PRIVATE CLI11::CLI11)

add_executable(fnat-fuzz-packets ${CMAKE_CURRENT_LIST_DIR}/packet_main.cpp)
target_compile_options(fnat-fuzz-packets PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat-fuzz-packets PRIVATE fnat_fuzz_packets)
set_target_properties(fnat-fuzz-packets PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

if(FNAT_BUILD_TESTS)
    add_executable(fnat_fuzz_packets_tests ${CMAKE_CURRENT_LIST_DIR}/packet_test.cpp)
    target_compile_options(fnat_fuzz_packets_tests PRIVATE ${FNAT_WARNINGS})
    target_link_libraries(fnat_fuzz_packets_tests PRIVATE fnat_fuzz_packets GTest::gtest
                          GTest::gtest_main)
    gtest_discover_tests(fnat_fuzz_packets_tests DISCOVERY_TIMEOUT 60)
endif()
