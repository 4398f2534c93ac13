# fnat-fuzz-netlink: the FNAT generic-netlink fuzzer of tests/e2e/fuzz_netlink.sh
# (included by tests/fuzz/CMakeLists.txt). The library holds everything but
# main, for fnat_fuzz_netlink_tests.
add_library(fnat_fuzz_netlink STATIC
    ${CMAKE_CURRENT_LIST_DIR}/netlink_generator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_model.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_mutator.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_oracle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_policy.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_readers.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_replies.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_runner.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_transport.cpp
    ${CMAKE_CURRENT_LIST_DIR}/netlink_wire.cpp
)
# Sources include "fuzz/NAME.h", as the userspace tree includes "lib/NAME.h".
target_include_directories(fnat_fuzz_netlink PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_options(fnat_fuzz_netlink PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat_fuzz_netlink PUBLIC fnat Threads::Threads)

add_executable(fnat-fuzz-netlink ${CMAKE_CURRENT_LIST_DIR}/netlink_main.cpp)
target_compile_options(fnat-fuzz-netlink PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat-fuzz-netlink PRIVATE fnat_fuzz_netlink CLI11::CLI11)
set_target_properties(fnat-fuzz-netlink PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

if(FNAT_BUILD_TESTS)
    add_executable(fnat_fuzz_netlink_tests
        ${CMAKE_CURRENT_LIST_DIR}/netlink_generator_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/netlink_oracle_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/netlink_policy_test.cpp
        ${CMAKE_CURRENT_LIST_DIR}/netlink_replies_test.cpp
    )
    target_compile_options(fnat_fuzz_netlink_tests PRIVATE ${FNAT_WARNINGS})
    target_link_libraries(fnat_fuzz_netlink_tests PRIVATE fnat_fuzz_netlink GTest::gtest
                          GTest::gtest_main)
    gtest_discover_tests(fnat_fuzz_netlink_tests DISCOVERY_TIMEOUT 60)
endif()
