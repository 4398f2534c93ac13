# fnat-fuzz-sync: the session sync fuzzer of tests/e2e/fuzz_sync.sh
# (included by tests/fuzz/CMakeLists.txt). The library holds everything but
# main, for fnat_fuzz_sync_tests. It shares the packet fuzzer's random
# numbers, the benchmark's command-line helpers and fnatadm's key reading.
add_library(fnat_fuzz_sync STATIC
    ${CMAKE_CURRENT_LIST_DIR}/sync_forge.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_model.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_net.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_run.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_sha256.cpp
    ${CMAKE_CURRENT_LIST_DIR}/sync_wire.cpp
)
target_include_directories(fnat_fuzz_sync PUBLIC ${CMAKE_CURRENT_LIST_DIR}/..)
target_compile_options(fnat_fuzz_sync PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat_fuzz_sync PUBLIC fnat_bench PRIVATE CLI11::CLI11)

add_executable(fnat-fuzz-sync ${CMAKE_CURRENT_LIST_DIR}/sync_main.cpp)
target_compile_options(fnat-fuzz-sync PRIVATE ${FNAT_WARNINGS})
target_link_libraries(fnat-fuzz-sync PRIVATE fnat_fuzz_sync)
set_target_properties(fnat-fuzz-sync PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

if(FNAT_BUILD_TESTS)
    add_executable(fnat_fuzz_sync_tests ${CMAKE_CURRENT_LIST_DIR}/sync_test.cpp)
    target_compile_options(fnat_fuzz_sync_tests PRIVATE ${FNAT_WARNINGS})
    target_link_libraries(fnat_fuzz_sync_tests PRIVATE fnat_fuzz_sync GTest::gtest
                          GTest::gtest_main)
    gtest_discover_tests(fnat_fuzz_sync_tests DISCOVERY_TIMEOUT 60)
endif()
