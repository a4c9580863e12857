import HoistCore
print("hoist")
