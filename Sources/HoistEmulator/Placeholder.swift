import HoistCore
